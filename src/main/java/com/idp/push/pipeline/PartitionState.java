package com.idp.push.pipeline;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.TopicPartition;

/**
 * Everything the consumer thread knows about one assigned partition: its uncommitted window and why it
 * is paused, if it is. A partition is paused while any of three holds: its window is full
 * (backpressure, until it drains to three quarters), its next record is not due yet, or a record failed
 * and the partition waits to be rewound. Not thread-safe: consumer thread only.
 */
final class PartitionState {

    final TopicPartition partition;
    final OffsetTracker tracker = new OffsetTracker();
    /** Deliveries of this partition's records still running; decremented by each as it completes, on any thread. */
    final AtomicInteger runningDeliveries = new AtomicInteger();
    /** Epoch ms before which the partition stays paused (a delay record not due, or a rewind backoff). */
    long resumeAtMs;
    boolean backpressured;
    /** Lowest failed offset waiting for a rewind, or -1. */
    long rewindTo = -1;
    int consecutiveRewinds;
    boolean paused;
    long committed = -1;

    PartitionState(TopicPartition partition) {
        this.partition = partition;
    }

    boolean shouldPause(long nowMs) {
        return backpressured || rewindTo >= 0 || nowMs < resumeAtMs;
    }

    void failed(OffsetTracker.Entry entry) {
        tracker.failed(entry);
        rewindTo = rewindTo < 0 ? entry.offset : Math.min(rewindTo, entry.offset);
    }
}
