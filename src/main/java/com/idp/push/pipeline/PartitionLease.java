package com.idp.push.pipeline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * This instance's ownership of one source partition, from its assignment until its revocation. The work
 * started for a record carries the lease of the partition it came from, and produces its outcome (attempt
 * log, retry, dead letter) only while the lease is held: once the partition is revoked, the new owner
 * processes the record again from the committed offset, and an outcome produced here as well would fork
 * the delivery into two retry chains.
 *
 * <p>Producing and revoking exclude each other (a read-write lock), so no outcome is handed to the producer
 * after {@link #revoke()} has returned. Handing over is quick: the producer only queues the record.
 * Thread-safe.
 */
final class PartitionLease {

    /** For work that comes from no partition (the API's test deliveries): always held. */
    static final PartitionLease NONE = new PartitionLease();

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean revoked;

    /**
     * Produces the outcome while the lease is held. After the revocation it produces nothing and fails with
     * {@link PartitionRevokedException}: the outcome is not durable, so the source record is not committed
     * past by this instance and is processed again by the new owner.
     */
    CompletableFuture<Void> produceIfHeld(Supplier<CompletableFuture<Void>> outcome) {
        lock.readLock().lock();
        try {
            if (revoked) {
                return CompletableFuture.failedFuture(new PartitionRevokedException());
            }
            return outcome.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Ends the lease; waits for outcomes being handed over right now. Idempotent. */
    void revoke() {
        if (this == NONE) {
            return;
        }
        lock.writeLock().lock();
        try {
            revoked = true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    boolean held() {
        return !revoked;
    }

    /** The outcome of work whose source partition was revoked before the outcome was produced. */
    static final class PartitionRevokedException extends RuntimeException {
        PartitionRevokedException() {
            super("the source partition was revoked: its new owner processes the record again", null, false, false);
        }
    }
}
