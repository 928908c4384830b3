package com.idp.push.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.idp.push.config.GroupMembership;

/**
 * The delivery engine's poll loop: one {@link Consumer} owned by one thread, with many records in
 * flight per partition.
 *
 * <p><b>Threads.</b> Only the loop's thread touches the consumer and the partition states. Work started
 * by the {@link RecordHandler} completes on other threads (HTTP event loops, the producer's I/O thread);
 * completions are queued and applied by the loop thread at the top of each iteration.
 *
 * <p><b>Commits.</b> Per partition, the committed offset is the first record whose outcome is not yet
 * durable ({@link OffsetTracker}): a crash repeats at most the uncommitted window, never loses a record.
 * Commits are asynchronous every {@code commitInterval}, synchronous on revocation and shutdown.
 *
 * <p><b>Backpressure and waiting.</b> A partition is paused, and the consumer re-positioned at its first
 * undispatched record, when it reaches one of its {@link InFlightLimits} (running records, running bytes,
 * uncommitted window), when its next record is a delay
 * record not yet due (resumed at the due time; the loop never sleeps), or when a record's work failed.
 * A failed record is retried by rewinding the partition to it once the rest of its window has settled,
 * after a growing backoff: at least once, never skipped.
 *
 * <p><b>Rebalance.</b> On revocation the loop waits up to {@code revokeGrace} for in-flight work of the
 * revoked partitions, commits what is durable and forgets them; the new owner repeats the rest.
 */
final class ConsumerLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final long MAX_REWIND_BACKOFF_MS = 30_000;

    private final Consumer<byte[], byte[]> consumer;
    private final Pattern subscription;
    private final RecordHandler handler;
    private final InFlightLimits limits;
    private final Duration pollTimeout;
    private final Duration revokeGrace;
    private final LongSupplier clock;
    private final Duration commitInterval = Duration.ofMillis(200);

    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private volatile int inFlight;
    private long lastCommitMs;

    private record Completion(PartitionState state, OffsetTracker.Entry entry, Throwable error) {
    }

    ConsumerLoop(Consumer<byte[], byte[]> consumer, Pattern subscription, RecordHandler handler, InFlightLimits limits,
            Duration pollTimeout, Duration revokeGrace, LongSupplier clock) {
        this.consumer = consumer;
        this.subscription = subscription;
        this.handler = handler;
        this.limits = limits;
        this.pollTimeout = pollTimeout;
        this.revokeGrace = revokeGrace;
        this.clock = clock;
    }

    @Override
    public void run() {
        consumer.subscribe(subscription, new Rebalance());
        try {
            while (running) {
                applyCompletions();
                long now = clock.getAsLong();
                if (now - lastCommitMs >= commitInterval.toMillis()) {
                    commit(partitions.values(), false);
                    lastCommitMs = now;
                }
                rewindFailed(now);
                applyPauses(now);
                ConsumerRecords<byte[], byte[]> records = consumer.poll(nextPollTimeout(now));
                dispatch(records);
                inFlight = partitions.values().stream().mapToInt(s -> s.runningDeliveries.get()).sum();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            shutDown();
        }
    }

    /** Asks the loop to finish: it stops polling, waits for in-flight work (bounded), commits and closes. */
    void stop() {
        running = false;
        consumer.wakeup();
    }

    private void dispatch(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            PartitionState state = partitions.get(partition);
            if (state == null) {
                continue;
            }
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
            for (int i = 0; i < batch.size(); i++) {
                ConsumerRecord<byte[], byte[]> record = batch.get(i);
                if (state.shouldPause(clock.getAsLong())) {
                    consumer.seek(partition, record.offset());
                    break;
                }
                Dispatch dispatch = handle(record);
                if (dispatch instanceof Dispatch.NotDue notDue) {
                    state.resumeAtMs = notDue.dueAt().toEpochMilli();
                    consumer.seek(partition, record.offset());
                    break;
                }
                Dispatch.Started started = (Dispatch.Started) dispatch;
                OffsetTracker.Entry entry = state.tracker.dispatched(record.offset(), record.serializedValueSize());
                state.runningDeliveries.addAndGet(started.deliveries().size());
                started.deliveries().forEach(delivery ->
                        delivery.whenComplete((ignored, error) -> state.runningDeliveries.decrementAndGet()));
                started.done().whenComplete(
                        (ignored, error) -> completions.add(new Completion(state, entry, error)));
                if (limits.full(state)) {
                    state.backpressured = true;
                    if (i + 1 < batch.size()) {
                        consumer.seek(partition, batch.get(i + 1).offset());
                    }
                    break;
                }
            }
        }
        applyPauses(clock.getAsLong());
    }

    private Dispatch handle(ConsumerRecord<byte[], byte[]> record) {
        try {
            return handler.handle(record);
        } catch (RuntimeException e) {
            // A handler bug must not kill the loop: the record fails and is retried by a rewind.
            log.error("Handling {}-{}@{} failed", record.topic(), record.partition(), record.offset(), e);
            return new Dispatch.Started(CompletableFuture.failedFuture(e));
        }
    }

    private void applyCompletions() {
        Completion completion;
        while ((completion = completions.poll()) != null) {
            apply(completion);
        }
    }

    private void apply(Completion completion) {
        PartitionState state = completion.state();
        if (partitions.get(state.partition) != state) {
            return; // the partition was revoked meanwhile; its new owner repeats the record
        }
        if (completion.error() == null) {
            state.tracker.completed(completion.entry());
            state.consecutiveRewinds = 0;
        } else {
            log.warn("Outcome of {}@{} could not be made durable; the partition will be rewound to it: {}",
                    state.partition, completion.entry().offset, completion.error().toString());
            state.failed(completion.entry());
        }
    }

    /** Rewinds a partition with a failed record once nothing else of its window is running. */
    private void rewindFailed(long now) {
        for (PartitionState state : partitions.values()) {
            if (state.rewindTo >= 0 && state.tracker.running() == 0) {
                commit(List.of(state), false);
                consumer.seek(state.partition, state.rewindTo);
                state.tracker.rewoundTo(state.rewindTo);
                long backoff = Math.min(MAX_REWIND_BACKOFF_MS, 500L << Math.min(state.consecutiveRewinds, 6));
                state.consecutiveRewinds++;
                state.resumeAtMs = now + backoff;
                state.backpressured = false;
                log.info("Rewound {} to offset {}; resuming in {} ms", state.partition, state.rewindTo, backoff);
                state.rewindTo = -1;
            }
        }
    }

    private void applyPauses(long now) {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (PartitionState state : partitions.values()) {
            if (state.backpressured && state.rewindTo < 0 && limits.drained(state)) {
                // checked every iteration: deliveries also finish while their records have not
                state.backpressured = false;
            }
            boolean shouldPause = state.shouldPause(now);
            if (shouldPause && !state.paused) {
                pause.add(state.partition);
            } else if (!shouldPause && state.paused) {
                resume.add(state.partition);
            }
            state.paused = shouldPause;
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** Short while something waits to be resumed by a completion; until the next due time otherwise. */
    private Duration nextPollTimeout(long now) {
        long timeout = pollTimeout.toMillis();
        for (PartitionState state : partitions.values()) {
            if (state.backpressured || state.rewindTo >= 0) {
                timeout = Math.min(timeout, 10);
            } else if (state.resumeAtMs > now) {
                timeout = Math.min(timeout, state.resumeAtMs - now);
            }
        }
        return Duration.ofMillis(Math.max(timeout, 0));
    }

    private void commit(Collection<PartitionState> states, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionState state : states) {
            long safe = state.tracker.safeOffset();
            if (safe > state.committed) {
                offsets.put(state.partition, new OffsetAndMetadata(safe));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            try {
                consumer.commitSync(offsets);
            } catch (WakeupException e) {
                consumer.commitSync(offsets); // the wake-up was meant for poll(); commit anyway
            }
            offsets.forEach((tp, offset) -> partitions.get(tp).committed = offset.offset());
        } else {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    log.warn("Offset commit failed (will be retried with the next commit): {}", error.toString());
                } else {
                    committed.forEach((tp, offset) -> {
                        PartitionState state = partitions.get(tp);
                        if (state != null) {
                            state.committed = Math.max(state.committed, offset.offset());
                        }
                    });
                }
            });
        }
    }

    /** Waits, up to the grace period, for the in-flight work of the given partitions to settle. */
    private void drain(Collection<PartitionState> states) {
        long deadline = clock.getAsLong() + revokeGrace.toMillis();
        try {
            while (states.stream().anyMatch(s -> s.tracker.running() > 0)) {
                long left = deadline - clock.getAsLong();
                if (left <= 0) {
                    break;
                }
                Completion completion = completions.poll(left, TimeUnit.MILLISECONDS);
                if (completion != null) {
                    apply(completion);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutDown() {
        try {
            drain(partitions.values());
            commit(partitions.values(), true);
        } catch (RuntimeException e) {
            log.warn("Final offset commit failed; uncommitted records will be delivered again: {}", e.toString());
        } finally {
            partitions.clear();
            consumer.close(GroupMembership.leaveOnClose(Duration.ofSeconds(5)));
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            List<PartitionState> states = revoked.stream().map(partitions::get).filter(s -> s != null).toList();
            drain(states);
            try {
                commit(states, true);
            } catch (RuntimeException e) {
                log.warn("Commit on revocation failed; the new owner repeats uncommitted records: {}", e.toString());
            }
            revoked.forEach(partitions::remove);
            log.info("Partitions revoked: {}", revoked);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            for (TopicPartition partition : assigned) {
                partitions.putIfAbsent(partition, new PartitionState(partition));
            }
            log.info("Partitions assigned: {}", assigned);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            lost.forEach(partitions::remove);
            log.warn("Partitions lost without a chance to commit: {}", lost);
        }
    }

    /** Deliveries running, as of the loop's last iteration (for the in-flight gauge). */
    int inFlight() {
        return inFlight;
    }
}
