package com.idp.push.pipeline;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the pipeline's records (delay topics, DLQ, attempt log, invalid copies) with an idempotent
 * {@code acks=all} producer. A returned future completes when the broker has acknowledged the record,
 * which is what makes an outcome durable.
 *
 * <p><b>Threads.</b> {@link #send} may be called on any thread (HTTP event loops, Reactor's parallel threads,
 * the consumer poll thread) and never blocks: it only queues the record. One thread of its own,
 * {@value #THREAD_NAME}, takes the records off the queue and calls {@code Producer.send}, the one call here
 * that can block: for up to {@code max.block.ms} while the producer's {@code buffer.memory} is full or a topic's
 * metadata is missing, that is while the broker is away or slow. (It used to run on the caller, so a full buffer
 * would have held an HTTP event loop, and with it the requests of healthy endpoints on that loop; BrokerPauseIT's
 * frozen broker did not fill the buffer, as the intake stops too, so OutboundProducerTest pins this with a
 * producer whose send blocks.) The producer's I/O thread runs
 * the callbacks: it completes the futures, so the callers' continuations run there as before, and puts a
 * record that failed retriably back in the queue. {@link #close} runs on the thread that shuts the
 * application down.
 *
 * <p><b>Retriable failures.</b> A record the producer gave up on with a Kafka {@link RetriableException} (the
 * broker away for longer than {@code delivery.timeout.ms}, or no buffer space or metadata within
 * {@code max.block.ms}) is sent again, the same bytes, after a backoff doubling per record from
 * {@link #FIRST_RESEND_BACKOFF} to {@link #MAX_RESEND_BACKOFF}; its future stays pending meanwhile. Failing it
 * would make the engine process the source record again, repeating an HTTP attempt that was made, only because
 * the broker was away. Any other failure (a record too large, authorization) fails the future at once, and the
 * engine retries or sets the record aside.
 *
 * <p><b>Budget.</b> The bytes of records queued, or sent and not yet acknowledged, are counted against
 * {@code idp.push.engine.max-pending-outcome-bytes} ({@link OutcomeBudget}); while over it, {@link #overBudget()}
 * tells the consumer loops to take no new records. {@code send} still accepts every record, each being the
 * outcome of an attempt already made, so the pending bytes may pass the budget by what the deliveries in flight
 * produce; the in-flight limits bound that.
 *
 * <p><b>Shutdown.</b> {@link #close} refuses new records, hands over what is queued (backoffs cut short), lets
 * the producer flush for up to {@link #CLOSE_TIMEOUT}, and then fails every future still pending: none is
 * left hanging, and a future whose record a closed producer dropped fails too.
 */
public final class OutboundProducer implements AutoCloseable {

    static final String THREAD_NAME = "idp-push-outcome-sender";
    static final Duration FIRST_RESEND_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_RESEND_BACKOFF = Duration.ofSeconds(30);
    /** How long close() lets the sender thread hand over what is queued before the producer is closed. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /** How long close() lets the producer flush what it holds. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final long RESEND_WARNING_INTERVAL_NS = Duration.ofSeconds(10).toNanos();

    private static final Logger log = LoggerFactory.getLogger(OutboundProducer.class);

    private final Producer<byte[], byte[]> producer;
    private final OutcomeBudget budget;
    private final long firstBackoffNanos;
    private final long maxBackoffNanos;
    private final Duration drainTimeout;
    private final DelayQueue<PendingOutcome> queue = new DelayQueue<>();
    /** Every record not yet acknowledged or failed, queued or in the producer: what close() fails at the end. */
    private final Set<PendingOutcome> pending = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong resends = new AtomicLong();
    private final AtomicLong lastResendWarningNs = new AtomicLong(System.nanoTime() - RESEND_WARNING_INTERVAL_NS);
    /** Queued by close() to wake the sender thread; never handed to the producer. */
    private final PendingOutcome wake;
    private final Thread sender;
    private volatile boolean closing;

    public OutboundProducer(Producer<byte[], byte[]> producer, long maxPendingBytes) {
        this(producer, maxPendingBytes, FIRST_RESEND_BACKOFF, MAX_RESEND_BACKOFF, DRAIN_TIMEOUT);
    }

    /** With the resend backoff and the drain timeout given, for tests. */
    OutboundProducer(Producer<byte[], byte[]> producer, long maxPendingBytes, Duration firstBackoff, Duration maxBackoff,
            Duration drainTimeout) {
        this.producer = producer;
        this.budget = new OutcomeBudget(maxPendingBytes);
        this.firstBackoffNanos = firstBackoff.toNanos();
        this.maxBackoffNanos = maxBackoff.toNanos();
        this.drainTimeout = drainTimeout;
        this.wake = new PendingOutcome(null, Long.MIN_VALUE, System.nanoTime(), () -> true);
        this.sender = new Thread(this::sendQueued, THREAD_NAME);
        sender.setDaemon(true); // a sender stuck in the producer must not keep the JVM alive; close() bounds the wait
        sender.start();
    }

    public CompletableFuture<Void> send(String topic, String key, byte[] value, Headers headers) {
        return send(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers);
    }

    /**
     * Queues the record and returns at once; the future completes when the broker has acknowledged it (on the
     * producer's I/O thread). Sends the key bytes as they are: copies of consumed records keep their exact key.
     */
    public CompletableFuture<Void> send(String topic, byte[] key, byte[] value, Headers headers) {
        PendingOutcome outcome = new PendingOutcome(new ProducerRecord<>(topic, null, key, value, headers),
                sequence.incrementAndGet(), System.nanoTime(), () -> closing);
        budget.reserve(outcome.bytes);
        pending.add(outcome);
        // checked after pending.add: either close() has not started, and then its final sweep sees this record,
        // or it has, and the record is refused here
        if (closing) {
            finish(outcome, new IllegalStateException("the outbound producer is closed"));
        } else {
            queue.add(outcome);
        }
        return outcome.future;
    }

    /** Whether the outcome records waiting for the broker are over the budget: the consumer loops take no new records. */
    public boolean overBudget() {
        return budget.exceeded();
    }

    /** Bytes of outcome records queued or sent and not yet acknowledged. */
    public long pendingBytes() {
        return budget.pendingBytes();
    }

    /** Records sent again after a retriable failure, since start-up. */
    public long resends() {
        return resends.get();
    }

    /** The sender thread: hands records to the producer as they fall due, until closed and drained. */
    private void sendQueued() {
        while (!(closing && queue.isEmpty())) {
            PendingOutcome outcome;
            try {
                outcome = queue.take();
            } catch (InterruptedException e) {
                continue; // only close() has a reason to stop this thread, and it says so with the flag
            }
            if (outcome != wake) {
                hand(outcome);
            }
        }
    }

    private void hand(PendingOutcome outcome) {
        outcome.tries++;
        try {
            producer.send(outcome.record, (metadata, error) -> acknowledged(outcome, error));
        } catch (RuntimeException e) {
            // send() throws instead of calling back when it cannot take the record at all (e.g. closed)
            acknowledged(outcome, e);
        }
    }

    /** The producer's verdict on one hand-over (its I/O thread, or the sender thread when send() failed at once). */
    private void acknowledged(PendingOutcome outcome, Exception error) {
        if (error == null) {
            finish(outcome, null);
        } else if (error instanceof RetriableException && !closing) {
            long backoff = Math.min(maxBackoffNanos, firstBackoffNanos << Math.min(outcome.tries - 1, 20));
            resends.incrementAndGet();
            warnOfResends(outcome, error, backoff);
            outcome.dueIn(backoff);
            // should close() begin meanwhile, the sender drains this too, or the final sweep fails it
            queue.add(outcome);
        } else {
            finish(outcome, error);
        }
    }

    /** One line per interval at most: when the broker is away every record in the buffer fails at about once. */
    private void warnOfResends(PendingOutcome outcome, Exception error, long backoffNanos) {
        long now = System.nanoTime();
        long last = lastResendWarningNs.get();
        if (now - last >= RESEND_WARNING_INTERVAL_NS && lastResendWarningNs.compareAndSet(last, now)) {
            log.warn("Outcome record to {} not acknowledged (try {}); sending it again in {} ms ({} resends so far,"
                    + " {} bytes waiting): {}", outcome.record.topic(), outcome.tries, backoffNanos / 1_000_000,
                    resends.get(), budget.pendingBytes(), error.toString());
        } else if (log.isDebugEnabled()) {
            log.debug("Outcome record to {} not acknowledged (try {}); sending it again in {} ms: {}",
                    outcome.record.topic(), outcome.tries, backoffNanos / 1_000_000, error.toString());
        }
    }

    /** Completes the outcome once, whoever gets there first (a late callback, or close()'s sweep). */
    private void finish(PendingOutcome outcome, Throwable error) {
        if (!pending.remove(outcome)) {
            return;
        }
        budget.release(outcome.bytes);
        if (error == null) {
            outcome.future.complete(null);
        } else {
            outcome.future.completeExceptionally(error);
        }
    }

    static Headers headers(String... namesAndValues) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                headers.add(namesAndValues[i], namesAndValues[i + 1].getBytes(StandardCharsets.UTF_8));
            }
        }
        return headers;
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        queue.add(wake);
        join(drainTimeout); // hands over what is queued; may be held in producer.send by a full buffer
        // flushes what the producer holds, waiting up to the timeout; then fails the rest through the callbacks, and
        // wakes a send() still blocked on buffer space or metadata
        producer.close(CLOSE_TIMEOUT);
        join(drainTimeout); // anything still queued now fails at once in the closed producer
        List<PendingOutcome> left = List.copyOf(pending);
        if (!left.isEmpty()) {
            log.warn("{} outcome record(s) not acknowledged when the producer closed; their records are processed again"
                    + " by whoever consumes them next", left.size());
        }
        left.forEach(outcome -> finish(outcome, new IllegalStateException(
                "the outbound producer closed before the broker acknowledged the record")));
    }

    private void join(Duration timeout) {
        try {
            sender.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
