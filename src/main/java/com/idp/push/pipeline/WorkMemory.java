package com.idp.push.pipeline;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heap the delivery work of the whole instance holds, counted against a budget: while over it the consumer
 * loops take no new records (as when outcomes wait for the broker), so a burst of large events beside an
 * endpoint that holds them cannot fill the heap.
 *
 * <p>What is counted is what a delivery really keeps alive until it ends: a record being worked on twice (its
 * bytes, and the event parsed from them, about as large) from dispatch until its work is done, and each
 * request body rendered from it from rendering until its exchange ends (a record fanned out to three webhooks
 * holds three bodies, each often as large as the event). The per-partition byte limit counts only the first,
 * once, and only per partition; this is the sum over every partition and every delivery. Attempt logs, retries
 * and dead letters waiting for the broker are bounded by {@link OutcomeBudget}; records fetched and not yet
 * dispatched by the consumer's fetch sizes (their partitions are paused meanwhile).
 *
 * <p>Over the budget the intake is held until the bytes are back to three quarters of it. Only running work is
 * counted, so something is always running while the intake is held, and its end frees it: one record larger than
 * the whole budget is still delivered, alone.
 *
 * <p><b>Threads.</b> {@link #reserve} and {@link #release} run on any thread; {@link #exceeded()} on the consumer
 * threads, per loop iteration and per record: a read and a comparison, never a lock.
 */
final class WorkMemory {

    private static final Logger log = LoggerFactory.getLogger(WorkMemory.class);

    /** A delivery's event is held as its record's bytes and as the parsed event. */
    static final int COPIES_OF_A_RECORD = 2;

    private final long maxBytes;
    private final long resumeBytes;
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private volatile boolean over;

    WorkMemory(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("idp.push.engine.max-work-memory must be > 0, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.resumeBytes = maxBytes / 4 * 3;
    }

    /** The budget when none is configured: a quarter of the heap the JVM may grow to. */
    static long defaultBudget(long maxHeapBytes) {
        return Math.max(16L * 1024 * 1024, maxHeapBytes / 4);
    }

    /** {@code handler}, with each record it starts work for counted until that work is done. */
    RecordHandler counting(RecordHandler handler) {
        return (record, lease) -> {
            Dispatch dispatch = handler.handle(record, lease);
            if (dispatch instanceof Dispatch.Started started) {
                long bytes = (long) COPIES_OF_A_RECORD * Math.max(0, record.serializedValueSize());
                reserve(bytes);
                started.done().whenComplete((ignored, error) -> release(bytes));
            }
            return dispatch;
        };
    }

    void reserve(long bytes) {
        long now = held.addAndGet(bytes);
        peak.accumulateAndGet(now, Math::max);
    }

    void release(long bytes) {
        held.addAndGet(-bytes);
    }

    long heldBytes() {
        return held.get();
    }

    /** The most held at once since start-up. */
    long peakBytes() {
        return peak.get();
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Whether new records should wait: over the budget, and not yet back to three quarters of it. */
    boolean exceeded() {
        long now = held.get();
        if (now > maxBytes) {
            if (!over) {
                over = true;
                log.warn("Delivery work holds {} bytes of events and request bodies, over the budget of {} bytes"
                        + " (idp.push.engine.max-work-memory); no new records are taken until some of it ends", now, maxBytes);
            }
        } else if (now <= resumeBytes && over) {
            over = false;
            log.info("Delivery work down to {} bytes: taking new records again", now);
        }
        return over;
    }
}
