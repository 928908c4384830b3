package com.idp.push.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Everything the consumer thread knows about one assigned partition: its uncommitted window, its failed
 * records waiting to be tried again, and why it is paused, if it is. A partition is paused while its
 * window is full (backpressure, until it drains to three quarters) or its next record is not due yet.
 * Not thread-safe: consumer thread only.
 */
final class PartitionState {

    final TopicPartition partition;
    final OffsetTracker tracker = new OffsetTracker();
    /** Held from assignment to revocation; the work of this partition's records produces outcomes only under it. */
    final PartitionLease lease = new PartitionLease();
    /** Deliveries of this partition's records still running; decremented by each as it completes, on any thread. */
    final AtomicInteger runningDeliveries = new AtomicInteger();
    /** Monotonic ms before which the partition stays paused (a delay record not due). */
    long resumeAtMs;
    boolean backpressured;
    /**
     * Records fetched but not dispatched yet (the partition was full, or the first of them is not due), in
     * offset order: dispatched from here before anything newer, so they are never fetched twice.
     */
    final ArrayDeque<ConsumerRecord<byte[], byte[]>> held = new ArrayDeque<>();
    /** Failed records waiting for their backoff to end; they stay in the window, holding back the commit. */
    final List<OffsetTracker.Entry> retries = new ArrayList<>();
    boolean paused;
    long committed = -1;

    PartitionState(TopicPartition partition) {
        this.partition = partition;
    }

    boolean shouldPause(long nowMs) {
        return backpressured || nowMs < resumeAtMs;
    }
}
