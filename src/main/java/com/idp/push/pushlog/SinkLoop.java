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
 * on. Only the loop's thread touches the consumer.
 */
final class SinkLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SinkLoop.class);
    private static final long MAX_OUTAGE_WAIT_MS = 10_000;

    private final String name;
    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final BatchWriter writer;
    private final Retry retry;
    private final Duration pollTimeout;
    private volatile boolean running = true;
    private List<ConsumerRecord<byte[], byte[]>> pending = List.of();
    private volatile boolean paused;
    private long outageWaitMs = 500;

    SinkLoop(String name, Consumer<byte[], byte[]> consumer, String topic, BatchWriter writer, Retry retry,
            Duration pollTimeout) {
        this.name = name;
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
            consumer.close(GroupMembership.leaveOnClose(Duration.ofSeconds(5)));
        }
    }

    /** Whether the loop is waiting out a database outage. */
    boolean isPaused() {
        return paused;
    }

    String name() {
        return name;
    }

    void stop() {
        running = false;
        consumer.wakeup();
    }

    private void store() {
        try {
            retry.executeRunnable(() -> writer.write(pending));
        } catch (RuntimeException e) {
            if (!paused) {
                log.warn("{}: cannot store {} records, pausing consumption until the database answers: {}",
                        name, pending.size(), e.toString());
                consumer.pause(consumer.assignment());
                paused = true;
            }
            consumer.poll(Duration.ofMillis(outageWaitMs)); // stays in the group; paused, so reads nothing
            outageWaitMs = Math.min(outageWaitMs * 2, MAX_OUTAGE_WAIT_MS);
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
            log.warn("{}: offset commit failed after storing {} records; they may be stored again: {}", name,
                    pending.size(), e.toString());
        }
        pending = List.of();
        if (paused) {
            log.info("{}: database reachable again, resuming", name);
            consumer.resume(consumer.assignment());
            paused = false;
            outageWaitMs = 500;
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
            // Not stored yet, so not committed: the partitions' new owner reads these records again.
            pending = pending.stream()
                    .filter(r -> !revoked.contains(new TopicPartition(r.topic(), r.partition())))
                    .toList();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            if (paused) {
                consumer.pause(assigned);
            }
        }
    }
}
