package com.idp.push.pushlog;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What one sink is doing, for health and metrics: storing, or waiting out a database outage with records it
 * could not store. Written only by the sink's loop thread, read by any; one instance per sink for the life of
 * the application (loops are rebuilt on every start, their status is not), so gauges bound to it stay valid.
 */
final class SinkStatus {

    /** A wait: since when, how many records are held, and the last failure. */
    record Outage(Instant since, int pendingRecords, String lastError) {
    }

    private final String sink;
    private final String name;
    private final LongSupplier clock;
    private final AtomicLong outages = new AtomicLong();
    /** Null while the sink stores normally; replaced whole, so a reader never sees half an update. */
    private volatile Outage outage;

    /**
     * @param sink short name, the {@code sink} tag of the metrics ({@code attempt-log}, {@code dlq})
     * @param name the name in logs and health ({@code attempt-log sink})
     */
    SinkStatus(String sink, String name, LongSupplier clock) {
        this.sink = sink;
        this.name = name;
        this.clock = clock;
    }

    String sink() {
        return sink;
    }

    String name() {
        return name;
    }

    /** Notes a failed store; returns true when this failure begins the wait (false while already waiting). */
    boolean waiting(int pendingRecords, RuntimeException error) {
        Outage current = outage;
        boolean begins = current == null;
        Instant since = begins ? Instant.ofEpochMilli(clock.getAsLong()) : current.since();
        outage = new Outage(since, pendingRecords, rootCause(error));
        if (begins) {
            outages.incrementAndGet();
        }
        return begins;
    }

    /**
     * The innermost cause, capped: it names what failed (a refused connection, a read timeout), while an outer
     * message may quote the batch's SQL with its values (pgjdbc's batch errors do), which health must not show.
     */
    private static String rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.toString();
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    /** The wait is over (the batch was stored, or nothing is left to store). */
    void storing() {
        outage = null;
    }

    boolean isWaiting() {
        return outage != null;
    }

    /** The current wait, or null. */
    Outage outage() {
        return outage;
    }

    /** How many times the sink began waiting out an outage. */
    long outages() {
        return outages.get();
    }
}
