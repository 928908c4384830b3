package com.idp.push.pipeline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One outcome record on its way to the broker: the record, the future its caller waits on, its size for the
 * budget, and when it is due to be handed to the producer (now, or after the backoff of a retriable failure).
 * Ordered by due time, then by the order it was queued in, so records due at once go out first come first
 * served.
 *
 * <p><b>Threads.</b> Queued by any thread, handed to the producer by the sender thread, re-queued by the
 * producer's I/O thread. {@code dueNanos} and {@code tries} change only while the outcome is out of the queue
 * (the queue's lock publishes them).
 */
final class PendingOutcome implements Delayed {

    final ProducerRecord<byte[], byte[]> record;
    final long bytes;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    private final long sequence;
    /** True once the producer is closing: every queued record is due at once, waiting backoffs cut short. */
    private final BooleanSupplier hurry;
    private volatile long dueNanos;
    /** Hand-overs to the producer so far. */
    volatile int tries;

    PendingOutcome(ProducerRecord<byte[], byte[]> record, long sequence, long dueNanos, BooleanSupplier hurry) {
        this.record = record;
        this.bytes = record == null ? 0 : sizeOf(record);
        this.sequence = sequence;
        this.dueNanos = dueNanos;
        this.hurry = hurry;
    }

    /** Due again {@code backoffNanos} from now; only while out of the queue. */
    void dueIn(long backoffNanos) {
        dueNanos = System.nanoTime() + backoffNanos;
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return hurry.getAsBoolean() ? 0 : unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
        PendingOutcome that = (PendingOutcome) other;
        int byDue = Long.compare(dueNanos - that.dueNanos, 0); // nanoTime values compare by difference
        return byDue != 0 ? byDue : Long.compare(sequence, that.sequence);
    }

    /** What the record costs while it waits: key, value and headers (the producer's batches hold about as much). */
    private static long sizeOf(ProducerRecord<byte[], byte[]> record) {
        long size = 64; // topic, timestamps, the record's own overhead
        size += record.key() == null ? 0 : record.key().length;
        size += record.value() == null ? 0 : record.value().length;
        for (Header header : record.headers()) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }
}
