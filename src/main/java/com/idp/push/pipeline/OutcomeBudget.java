package com.idp.push.pipeline;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the bytes of outcome records waiting for the broker (queued for the producer, or sent and not yet
 * acknowledged) against a budget, and says when the consumer loops should stop taking new records.
 *
 * <p>Over the budget the intake is held until the pending bytes are back to three quarters of it, so that the
 * loops do not pause and resume their partitions with every acknowledgement near the line.
 *
 * <p><b>Threads.</b> {@link #reserve} and {@link #release} run on any thread (callers of the producer, its I/O
 * thread); {@link #exceeded()} on the consumer threads, once per loop iteration and per record: a volatile read
 * and a comparison, never a lock.
 */
final class OutcomeBudget {

    private static final Logger log = LoggerFactory.getLogger(OutcomeBudget.class);

    private final long maxBytes;
    private final long resumeBytes;
    private final AtomicLong pending = new AtomicLong();
    private volatile boolean held;

    OutcomeBudget(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("idp.push.engine.max-pending-outcome-bytes must be >= 1, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.resumeBytes = maxBytes / 4 * 3;
    }

    void reserve(long bytes) {
        pending.addAndGet(bytes);
    }

    void release(long bytes) {
        pending.addAndGet(-bytes);
    }

    long pendingBytes() {
        return pending.get();
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Whether new records should wait: over the budget, and not yet back to three quarters of it. */
    boolean exceeded() {
        long now = pending.get();
        if (now > maxBytes) {
            if (!held) {
                held = true;
                log.warn("Outcome records waiting for the broker: {} bytes, over the budget of {} bytes"
                        + " (idp.push.engine.max-pending-outcome-bytes); no new records are taken until they are acknowledged",
                        now, maxBytes);
            }
        } else if (now <= resumeBytes && held) {
            held = false;
            log.info("Outcome records waiting for the broker down to {} bytes: taking new records again", now);
        }
        return held;
    }
}
