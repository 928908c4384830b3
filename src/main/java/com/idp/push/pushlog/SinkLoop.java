package com.idp.push.pushlog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.idp.push.config.GroupMembership;

import io.github.resilience4j.retry.Retry;

/**
 * A sink's consumer thread: polls a batch, stores it with {@link BatchWriter}, and only then commits
 * the batch's offsets, so nothing is lost when the process dies mid-batch (the batch is stored again,
 * idempotently).
 *
 * <p>While the database is unreachable, each batch is tried a few times with exponential backoff
 * (resilience4j {@link Retry}); if it still fails, the loop pauses every assigned partition and keeps
 * polling (staying in the group) while it waits, with a growing pause between rounds, then tries the
 * same batch again. Nothing else is read meanwhile; delivery, which does not depend on this sink, goes
 * on. Only the loop's thread touches the consumer. The wait shows in {@link SinkStatus}.
 *
 * <p>A rebalance during the wait (the polls run the group's callbacks): records of a revoked partition are
 * dropped from the pending batch, neither stored nor committed by a consumer that no longer owns them (their
 * new owner reads them again from the committed offset); a partition assigned meanwhile is paused with the
 * rest until the batch is stored; and once the pending batch is empty because all of it was revoked, the
 * wait ends and the new assignment is read (if the database is still away, its first batch starts a new
 * wait). A record the waiting poll returns anyway is never dropped: it joins the pending batch.
 */
final class SinkLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SinkLoop.class);
    private static final long FIRST_OUTAGE_WAIT_MS = 500;
    private static final long MAX_OUTAGE_WAIT_MS = 10_000;

    private final SinkStatus status;
    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final BatchWriter writer;
    private final Retry retry;
    private final Duration pollTimeout;
    private volatile boolean running = true;
    private List<ConsumerRecord<byte[], byte[]>> pending = List.of();
    private long outageWaitMs = FIRST_OUTAGE_WAIT_MS;

    SinkLoop(SinkStatus status, Consumer<byte[], byte[]> consumer, String topic, BatchWriter writer, Retry retry,
            Duration pollTimeout) {
        this.status = status;
        this.consumer = consumer;
        this.topic = topic;
        this.writer = writer;
        this.retry = retry;
        this.pollTimeout = pollTimeout;
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(topic), new Rebalance());
        try {
            while (running) {
                if (pending.isEmpty()) {
                    pending = batch(consumer.poll(pollTimeout));
                }
                if (!pending.isEmpty()) {
                    store();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            status.storing(); // a stopped loop waits for nothing; the next start begins afresh
            consumer.close(GroupMembership.leaveOnClose(Duration.ofSeconds(5)));
        }
    }

    /** Whether the loop is waiting out a database outage. */
    boolean isPaused() {
        return status.isWaiting();
    }

    String name() {
        return status.name();
    }

    void stop() {
        running = false;
        consumer.wakeup();
    }

    private void store() {
        try {
            retry.executeRunnable(() -> writer.write(pending));
        } catch (RuntimeException e) {
            waitOut(e);
            return;
        }
        try {
            consumer.commitSync(nextOffsets(pending));
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // The batch is stored; only its offsets are not committed (broker away, group rebalanced meanwhile).
            // Stay alive: a later commit covers them, or whoever owns the partitions next stores them again,
            // idempotently. Letting this end the loop would stop the sink for good.
            log.warn("{}: offset commit failed after storing {} records; they may be stored again: {}", name(),
                    pending.size(), e.toString());
        }
        pending = List.of();
        if (status.isWaiting()) {
            log.info("{}: database reachable again, resuming", name());
            endWait();
        }
    }

    /** One round of waiting for the database, paused, polling so as to stay in the group. */
    private void waitOut(RuntimeException error) {
        if (status.waiting(pending.size(), error)) {
            log.warn("{}: cannot store {} records, pausing consumption until the database answers: {}", name(),
                    pending.size(), error.toString());
        }
        // every round, not only the first: covers whatever was assigned since
        consumer.pause(consumer.assignment());
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(outageWaitMs));
        keep(polled);
        outageWaitMs = Math.min(outageWaitMs * 2, MAX_OUTAGE_WAIT_MS);
        if (pending.isEmpty()) {
            // nothing left to store, so nothing to wait for: a new batch of the new assignment tells
            log.info("{}: every pending record's partition was revoked meanwhile; reading the new assignment", name());
            endWait();
        }
    }

    private void endWait() {
        consumer.resume(consumer.assignment());
        status.storing();
        outageWaitMs = FIRST_OUTAGE_WAIT_MS;
    }

    /**
     * Paused partitions return nothing, but a partition assigned in this very poll after everything pending was
     * revoked is not paused, and its first records may come with it. They join the pending batch: dropping them
     * would skip them for good once a later batch of that partition is committed.
     */
    private void keep(ConsumerRecords<byte[], byte[]> polled) {
        if (!polled.isEmpty()) {
            List<ConsumerRecord<byte[], byte[]>> more = new ArrayList<>(pending);
            polled.forEach(more::add);
            pending = more;
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> batch(ConsumerRecords<byte[], byte[]> records) {
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(records.count());
        records.forEach(batch::add);
        return batch;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<byte[], byte[]>> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            offsets.merge(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            // Not stored yet, so not committed: the partitions' new owner reads these records again. Storing them
            // after the wait would write, and commit, for partitions this consumer no longer owns.
            pending = pending.stream()
                    .filter(r -> !revoked.contains(new TopicPartition(r.topic(), r.partition())))
                    .toList();
            if (status.isWaiting()) {
                // Still assigned while this runs; a real consumer forgets the pause with the assignment anyway,
                // but a partition that comes back later must not come back paused.
                consumer.resume(revoked.stream().filter(consumer.assignment()::contains).toList());
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            if (status.isWaiting() && !pending.isEmpty()) {
                // not read while the pending batch waits: the loop holds one batch and stores it first
                consumer.pause(assigned);
            }
        }
    }
}
