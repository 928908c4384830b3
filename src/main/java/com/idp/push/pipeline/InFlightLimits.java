package com.idp.push.pipeline;

/**
 * When a partition must stop taking records (backpressure) and when it may start again.
 *
 * <p>Two different things are bounded. {@code maxRunning} and {@code maxRunningBytes} bound the work
 * actually in progress (requests, connections, heap); a record fanned out to ten webhooks is ten
 * requests, so the bound is on deliveries, not records. {@code maxUncommitted} bounds the uncommitted
 * window, which also holds records that completed behind a slow one: it is what a crash would deliver
 * again, so it is kept large enough that one slow endpoint holding a record at the head of the window
 * does not stall the partition, and small enough to bound the duplicates of a crash.
 *
 * @param maxRunning deliveries running (a record counts once per webhook it fanned out to)
 * @param maxUncommitted records dispatched but not yet safe to commit (running or completed out of order)
 * @param maxRunningBytes bytes of running records (one record always fits, however large)
 */
record InFlightLimits(int maxRunning, int maxUncommitted, long maxRunningBytes) {

    InFlightLimits {
        if (maxRunning < 1 || maxUncommitted < maxRunning || maxRunningBytes < 1) {
            throw new IllegalArgumentException("in-flight limits must be >= 1 and max-uncommitted >= max-in-flight, were "
                    + maxRunning + ", " + maxUncommitted + ", " + maxRunningBytes);
        }
    }

    boolean full(PartitionState partition) {
        OffsetTracker window = partition.tracker;
        return partition.runningDeliveries.get() >= maxRunning || window.size() >= maxUncommitted
                || window.runningBytes() >= maxRunningBytes;
    }

    /** The limits reached and the figures behind them, for a log line. */
    String describe(PartitionState partition) {
        OffsetTracker window = partition.tracker;
        return partition.runningDeliveries.get() + " deliveries running of " + maxRunning + ", " + window.size()
                + " records uncommitted of " + maxUncommitted + ", " + window.runningBytes() + " bytes running of "
                + maxRunningBytes;
    }

    /** Resumes at three quarters, so a partition does not flap between paused and resumed on every record. */
    boolean drained(PartitionState partition) {
        OffsetTracker window = partition.tracker;
        return partition.runningDeliveries.get() <= maxRunning * 3 / 4 && window.size() <= maxUncommitted * 3 / 4
                && window.runningBytes() <= maxRunningBytes * 3 / 4;
    }
}
