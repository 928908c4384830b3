package com.idp.push.delivery;

import java.util.function.LongSupplier;

/**
 * How many attempts to one endpoint ended lately, freeing their slots: counted in fixed windows of the slot wait,
 * read as the larger of the last full window and the current one. It tells a full bulkhead that turns over
 * quickly (a fast receiver under a burst larger than its slots) from one whose slots are stuck.
 */
final class Turnover {

    private final long windowNanos;
    private final LongSupplier nanoClock;
    private long windowStart;
    private int current;
    private int previous;

    Turnover(long windowNanos, LongSupplier nanoClock) {
        this.windowNanos = windowNanos;
        this.nanoClock = nanoClock;
        this.windowStart = nanoClock.getAsLong();
    }

    synchronized void slotFreed() {
        roll();
        current++;
    }

    /** Slots freed in about one window's length: the queue of waiters this endpoint empties within one slot wait. */
    synchronized int recent() {
        roll();
        return Math.max(current, previous);
    }

    private void roll() {
        long now = nanoClock.getAsLong();
        long windows = (now - windowStart) / windowNanos;
        if (windows == 0) {
            return;
        }
        previous = windows == 1 ? current : 0;
        current = 0;
        windowStart += windows * windowNanos;
    }
}
