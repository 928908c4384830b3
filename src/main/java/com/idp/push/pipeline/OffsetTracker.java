package com.idp.push.pipeline;

import java.util.ArrayDeque;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The uncommitted window of one partition: records dispatched in offset order, completing in any order.
 * The safe commit offset is the first record not yet durable, or the one after the last dispatched when
 * all are. Not thread-safe: only the consumer thread touches it (completions are queued to it).
 */
final class OffsetTracker {

    /** One dispatched record. */
    static final class Entry {
        final long offset;
        final int bytes;
        boolean done;
        boolean failed;
        /** Times the record's work failed; its retry backoff grows with it, whatever other records do. */
        int failures;
        /** Monotonic ms at which a failed record is tried again, or set aside. */
        long retryAtMs;
        /** Whether its next try is to set it aside rather than to process it. */
        boolean setAside;
        String lastError;
        /** Kept while the outcome is not durable, so that a failed record can be tried again on its own. */
        ConsumerRecord<byte[], byte[]> record;

        Entry(long offset, int bytes, ConsumerRecord<byte[], byte[]> record) {
            this.offset = offset;
            this.bytes = bytes;
            this.record = record;
        }
    }

    private final ArrayDeque<Entry> window = new ArrayDeque<>();
    private long nextOffset = -1;
    private int running;
    private long runningBytes;

    /** @param bytes the record's size, counted while its work runs (the work holds the record in memory) */
    Entry dispatched(ConsumerRecord<byte[], byte[]> record) {
        return dispatched(record.offset(), Math.max(0, record.serializedValueSize()), record);
    }

    Entry dispatched(long offset, int bytes) {
        return dispatched(offset, bytes, null);
    }

    private Entry dispatched(long offset, int bytes, ConsumerRecord<byte[], byte[]> record) {
        Entry entry = new Entry(offset, bytes, record);
        window.addLast(entry);
        nextOffset = offset + 1;
        running++;
        runningBytes += bytes;
        return entry;
    }

    /** The record's outcome is durable; the window slides past every leading durable record. */
    void completed(Entry entry) {
        if (!entry.done && !entry.failed) {
            entry.done = true;
            entry.record = null;
            running--;
            runningBytes -= entry.bytes;
            while (!window.isEmpty() && window.peekFirst().done) {
                window.removeFirst();
            }
        }
    }

    /** The record's work failed; it stays in the window (holding back the commit) until it is tried again. */
    void failed(Entry entry) {
        if (!entry.done && !entry.failed) {
            entry.failed = true;
            running--;
            runningBytes -= entry.bytes;
        }
    }

    /** The offset to commit: everything before it is durable. -1 when nothing was dispatched yet. */
    long safeOffset() {
        return window.isEmpty() ? nextOffset : window.peekFirst().offset;
    }

    /** A failed record runs again: it counts as running until it completes or fails once more. */
    void retrying(Entry entry) {
        if (entry.failed) {
            entry.failed = false;
            running++;
            runningBytes += entry.bytes;
        }
    }

    /** Records dispatched and not yet committed-safe: what a crash now would deliver again. */
    int size() {
        return window.size();
    }

    /** Records whose work is still running. */
    int running() {
        return running;
    }

    /** Bytes of the records whose work is still running. */
    long runningBytes() {
        return runningBytes;
    }

}
