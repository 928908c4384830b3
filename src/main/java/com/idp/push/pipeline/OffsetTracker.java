package com.idp.push.pipeline;

import java.util.ArrayDeque;

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

        Entry(long offset, int bytes) {
            this.offset = offset;
            this.bytes = bytes;
        }
    }

    private final ArrayDeque<Entry> window = new ArrayDeque<>();
    private long nextOffset = -1;
    private int running;
    private long runningBytes;

    /** @param bytes the record's size, counted while its work runs (the work holds the record in memory) */
    Entry dispatched(long offset, int bytes) {
        Entry entry = new Entry(offset, bytes);
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
            running--;
            runningBytes -= entry.bytes;
            while (!window.isEmpty() && window.peekFirst().done) {
                window.removeFirst();
            }
        }
    }

    /** The record's work failed; it stays in the window (holding back the commit) until rewound. */
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

    /** Forgets the window after the consumer was rewound to {@code offset}. */
    void rewoundTo(long offset) {
        window.clear();
        running = 0;
        runningBytes = 0;
        nextOffset = offset;
    }
}
