package com.idp.push.pipeline;

import java.time.Clock;
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
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
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
 * uncommitted window), or when its next record is a delay record not yet due (resumed at the due time; the
 * loop never sleeps).
 *
 * <p><b>Failures.</b> A record whose outcome could not be made durable is tried again on its own, after a
 * backoff that doubles with each of its own failures (a success elsewhere does not reset it); the partition
 * goes on meanwhile, and records after it that are already durable are never dispatched again. A failure
 * that cannot heal by waiting (anything but a Kafka {@link RetriableException}: a record too large, an
 * authorization error, a bug in the handler) is tried {@link #MAX_TRIES} times, then the record is set
 * aside ({@link SetAside}: copied to {@code idp.push.invalid} with the reason) and committed past. A
 * retriable failure (the broker unreachable) is tried until it succeeds, never set aside. Intervals and
 * deadlines use a monotonic clock; only a delay record's due time is wall-clock time, being written by
 * another process.
 *
 * <p><b>Outcomes waiting for the broker.</b> While {@code intakeHeld} says so (the outcome records of earlier
 * records wait for the broker beyond the instance's budget, {@link OutboundProducer#overBudget()}), every
 * partition is paused and no new record is dispatched; records already running go on. The check is a volatile
 * read, made on this thread. The consumer still polls, so it stays in its group.
 *
 * <p><b>Rebalance.</b> On revocation the loop waits up to {@code revokeGrace} for in-flight work of the
 * revoked partitions, commits what is durable and forgets them; the new owner repeats the rest.
 */
final class ConsumerLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
    /** Tries of a record whose failure is not retriable before it is set aside. */
    static final int MAX_TRIES = 3;
    static final long FIRST_RETRY_BACKOFF_MS = 500;
    static final long MAX_RETRY_BACKOFF_MS = 30_000;
    /** After a revocation, how long outcomes already handed to the producer get to be acknowledged. */
    private static final Duration HANDED_OVER_GRACE = Duration.ofSeconds(1);

    private final Consumer<byte[], byte[]> consumer;
    private final Pattern subscription;
    private final RecordHandler handler;
    private final SetAside setAside;
    private final InFlightLimits limits;
    private final Duration pollTimeout;
    private final Duration revokeGrace;
    /** Monotonic milliseconds: intervals, backoffs and deadlines. */
    private final LongSupplier clock;
    /** Wall-clock time, only to turn a delay record's due time into a wait. */
    private final Clock wallClock;
    private final Duration commitInterval = Duration.ofMillis(200);
    /** True while outcomes wait for the broker beyond the budget: take no new records. */
    private final BooleanSupplier intakeHeld;
    private final BackpressureMeter backpressure;
    /** How often a held intake is checked again (the poll timeout while held). */
    private static final long INTAKE_HELD_POLL_MS = 50;

    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private volatile int inFlight;
    private long lastCommitMs;

    /** @param setAside whether this completes the setting aside of the record rather than its processing */
    private record Completion(PartitionState state, OffsetTracker.Entry entry, Throwable error, boolean setAside) {
    }

    /**
     * Puts away a record that cannot be processed (a copy on {@code idp.push.invalid} with the reason); the
     * future completes once that copy is durable.
     */
    @FunctionalInterface
    interface SetAside {
        CompletableFuture<?> setAside(ConsumerRecord<byte[], byte[]> record, String reason, String detail);
    }

    /**
     * @param clock monotonic milliseconds (e.g. {@code System.nanoTime() / 1_000_000})
     * @param wallClock the time a delay record's due time is compared with
     */
    ConsumerLoop(Consumer<byte[], byte[]> consumer, Pattern subscription, RecordHandler handler, SetAside setAside,
            InFlightLimits limits, Duration pollTimeout, Duration revokeGrace, LongSupplier clock, Clock wallClock) {
        this(consumer, subscription, handler, setAside, limits, pollTimeout, revokeGrace, clock, wallClock, () -> false,
                BackpressureMeter.NONE);
    }

    /** @param intakeHeld whether outcomes wait for the broker beyond the budget ({@link OutboundProducer#overBudget()}) */
    ConsumerLoop(Consumer<byte[], byte[]> consumer, Pattern subscription, RecordHandler handler, SetAside setAside,
            InFlightLimits limits, Duration pollTimeout, Duration revokeGrace, LongSupplier clock, Clock wallClock,
            BooleanSupplier intakeHeld, BackpressureMeter backpressure) {
        this.intakeHeld = intakeHeld;
        this.backpressure = backpressure;
        this.consumer = consumer;
        this.subscription = subscription;
        this.handler = handler;
        this.setAside = setAside;
        this.limits = limits;
        this.pollTimeout = pollTimeout;
        this.revokeGrace = revokeGrace;
        this.clock = clock;
        this.wallClock = wallClock;
    }

    /** Monotonic milliseconds from {@link System#nanoTime()}, for the loop's {@code clock}. */
    static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
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
                retryFailed(now);
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

    /**
     * Dispatches what the poll returned after what each partition held back: records a partition could not
     * take when they were fetched (backpressure, or a delay record not yet due) are kept in memory, in
     * order, rather than re-fetched. The consumer is never re-positioned: a seek would throw away what it
     * fetched ahead, and a delay topic would be fetched again at every due time.
     */
    private void dispatch(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            PartitionState state = partitions.get(partition);
            if (state != null) {
                state.held.addAll(records.records(partition));
            }
        }
        long now = clock.getAsLong();
        boolean intakeOpen = !intakeHeld.getAsBoolean();
        for (PartitionState state : partitions.values()) {
            if (intakeOpen && !state.held.isEmpty() && !state.shouldPause(now)) {
                dispatchHeld(state);
            }
        }
        applyPauses(clock.getAsLong());
    }

    private void dispatchHeld(PartitionState state) {
        ConsumerRecord<byte[], byte[]> record;
        while ((record = state.held.peekFirst()) != null) {
            if (state.shouldPause(clock.getAsLong()) || intakeHeld.getAsBoolean()) {
                return;
            }
            Dispatch dispatch = handle(record, state.lease);
            if (dispatch instanceof Dispatch.NotDue notDue) {
                state.resumeAtMs = clock.getAsLong() + waitMs(notDue);
                return;
            }
            state.held.removeFirst();
            track(state, state.tracker.dispatched(record), (Dispatch.Started) dispatch);
            if (limits.full(state)) {
                state.backpressured = true;
                backpressure.started(state.partition, clock.getAsLong(), limits.describe(state));
                return;
            }
        }
    }

    private long waitMs(Dispatch.NotDue notDue) {
        return Math.max(0, notDue.dueAt().toEpochMilli() - wallClock.millis());
    }

    private void track(PartitionState state, OffsetTracker.Entry entry, Dispatch.Started started) {
        state.runningDeliveries.addAndGet(started.deliveries().size());
        started.deliveries().forEach(delivery ->
                delivery.whenComplete((ignored, error) -> state.runningDeliveries.decrementAndGet()));
        started.done().whenComplete(
                (ignored, error) -> completions.add(new Completion(state, entry, error, false)));
    }

    private Dispatch handle(ConsumerRecord<byte[], byte[]> record, PartitionLease lease) {
        try {
            return handler.handle(record, lease);
        } catch (RuntimeException e) {
            // A handler bug must not kill the loop: the record fails, is tried again and, failing still, set aside.
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
        OffsetTracker.Entry entry = completion.entry();
        if (completion.error() == null) {
            state.tracker.completed(entry);
            return;
        }
        Throwable cause = rootCause(completion.error());
        if (cause instanceof PartitionLease.PartitionRevokedException) {
            state.tracker.failed(entry); // produced nothing: stays uncommitted for the new owner
            return;
        }
        entry.failures++;
        entry.lastError = cause.toString();
        state.tracker.failed(entry);
        boolean retriable = cause instanceof RetriableException;
        long backoff = Math.min(MAX_RETRY_BACKOFF_MS, FIRST_RETRY_BACKOFF_MS << Math.min(entry.failures - 1, 10));
        if (completion.setAside()) {
            log.error("{}@{} could not be set aside either; trying again in {} ms: {}", state.partition, entry.offset,
                    backoff, cause.toString());
        } else if (retriable || entry.failures < MAX_TRIES) {
            log.warn("Outcome of {}@{} could not be made durable (failure {}); trying the record again in {} ms: {}",
                    state.partition, entry.offset, entry.failures, backoff, cause.toString());
        } else {
            log.error("Outcome of {}@{} could not be made durable after {} tries; setting the record aside: {}",
                    state.partition, entry.offset, entry.failures, cause.toString());
            entry.setAside = true;
            backoff = 0;
        }
        entry.retryAtMs = clock.getAsLong() + backoff;
        state.retries.add(entry);
    }

    /** Starts again each failed record whose backoff is over: processed again, or set aside. */
    private void retryFailed(long now) {
        for (PartitionState state : partitions.values()) {
            List<OffsetTracker.Entry> due = state.retries.stream().filter(entry -> entry.retryAtMs <= now).toList();
            state.retries.removeAll(due);
            for (OffsetTracker.Entry entry : due) {
                state.tracker.retrying(entry);
                if (entry.setAside) {
                    setAsideSafely(entry).whenComplete(
                            (ignored, error) -> completions.add(new Completion(state, entry, error, true)));
                    continue;
                }
                Dispatch dispatch = handle(entry.record, state.lease);
                if (dispatch instanceof Dispatch.NotDue notDue) {
                    state.tracker.failed(entry); // not running: it waits for its due time again
                    entry.retryAtMs = now + waitMs(notDue);
                    state.retries.add(entry);
                    continue;
                }
                track(state, entry, (Dispatch.Started) dispatch);
            }
        }
    }

    private CompletableFuture<?> setAsideSafely(OffsetTracker.Entry entry) {
        ConsumerRecord<byte[], byte[]> record = entry.record;
        try {
            return setAside.setAside(record, "outcome-not-durable", "the record's outcome could not be made durable in "
                    + entry.failures + " tries: " + entry.lastError);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private void applyPauses(long now) {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        boolean held = intakeHeld.getAsBoolean();
        for (PartitionState state : partitions.values()) {
            if (state.backpressured && limits.drained(state)) {
                // checked every iteration: deliveries also finish while their records have not
                state.backpressured = false;
                backpressure.ended(state.partition, now);
            }
            boolean shouldPause = state.shouldPause(now) || held;
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
        if (intakeHeld.getAsBoolean()) {
            timeout = Math.min(timeout, INTAKE_HELD_POLL_MS);
        }
        for (PartitionState state : partitions.values()) {
            if (state.backpressured) {
                timeout = Math.min(timeout, 10);
            } else if (state.resumeAtMs > now) {
                timeout = Math.min(timeout, state.resumeAtMs - now);
            }
            for (OffsetTracker.Entry retry : state.retries) {
                timeout = Math.min(timeout, Math.max(0, retry.retryAtMs - now));
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

    /**
     * Gives the partitions' in-flight work the grace period to finish, then ends their leases, so that what
     * is still running produces nothing, and waits for the outcomes handed over before that to be
     * acknowledged. Afterwards every record of these partitions is either durable or produced nothing:
     * the commit that follows is exact, and the new owner's attempts are the only ones that go on.
     */
    private void endLeases(Collection<PartitionState> states) {
        drain(states, revokeGrace);
        states.forEach(state -> state.lease.revoke());
        // what still runs now produces nothing when it ends: wait only for outcomes already with the producer
        drain(states, HANDED_OVER_GRACE);
    }

    /** Waits, up to the grace period, for the in-flight work of the given partitions to settle. */
    private void drain(Collection<PartitionState> states, Duration grace) {
        long deadline = clock.getAsLong() + grace.toMillis();
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
            endLeases(List.copyOf(partitions.values()));
            commit(partitions.values(), true);
        } catch (RuntimeException e) {
            log.warn("Final offset commit failed; uncommitted records will be delivered again: {}", e.toString());
        } finally {
            List.copyOf(partitions.keySet()).forEach(ConsumerLoop.this::forget);
            consumer.close(GroupMembership.leaveOnClose(Duration.ofSeconds(5)));
        }
    }

    private void forget(TopicPartition partition) {
        partitions.remove(partition);
        backpressure.ended(partition, clock.getAsLong());
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            List<PartitionState> states = revoked.stream().map(partitions::get).filter(s -> s != null).toList();
            endLeases(states);
            try {
                commit(states, true);
            } catch (RuntimeException e) {
                log.warn("Commit on revocation failed; the new owner repeats uncommitted records: {}", e.toString());
            }
            revoked.forEach(partition -> forget(partition));
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
            lost.stream().map(partitions::get).filter(s -> s != null).forEach(s -> s.lease.revoke());
            lost.forEach(partition -> forget(partition));
            log.warn("Partitions lost without a chance to commit: {}", lost);
        }
    }

    /** Deliveries running, as of the loop's last iteration (for the in-flight gauge). */
    int inFlight() {
        return inFlight;
    }
}
