package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OutboundProducer} without a broker: Kafka's {@link MockProducer} holding every send until the test
 * completes or fails it, and a fake whose {@code send} blocks as {@code KafkaProducer.send} does on a full buffer.
 */
class OutboundProducerTest {

    private static final Duration FAST_BACKOFF = Duration.ofMillis(10);
    private final List<OutboundProducer> created = new ArrayList<>();

    @AfterEach
    void closeAll() {
        created.forEach(OutboundProducer::close);
    }

    @Test
    void sendReturnsAtOnceWhileTheProducerIsBlockedAndOnlyTheSenderThreadBlocks() throws Exception {
        BlockingProducer kafka = new BlockingProducer();
        OutboundProducer producer = outbound(kafka, 1 << 20, FAST_BACKOFF);

        long started = System.nanoTime();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            futures.add(producer.send("t", "k" + i, new byte[100], new RecordHeaders()));
        }
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(kafka.entered.await(5, TimeUnit.SECONDS)).as("the producer's send was called").isTrue();
        assertThat(tookMs).as("1,000 sends while producer.send blocks").isLessThan(1_000);
        assertThat(futures).noneMatch(CompletableFuture::isDone);
        assertThat(kafka.callers).as("threads that called producer.send").containsExactly(OutboundProducer.THREAD_NAME);

        kafka.release.countDown(); // the buffer has room again
        await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 1_000);
        kafka.flush(); // MockProducer: completes every held send
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        assertThat(producer.pendingBytes()).isZero();
    }

    @Test
    void theBudgetHoldsTheIntakeOverItAndReleasesItAtThreeQuartersAsRecordsAreAcknowledged() {
        MockProducer<byte[], byte[]> kafka = mock();
        OutboundProducer producer = outbound(kafka, 10_000, FAST_BACKOFF);

        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(producer.send("t", (byte[]) null, new byte[3_000], new RecordHeaders()));
        }
        assertThat(producer.pendingBytes()).isBetween(9_000L, 10_000L);
        assertThat(producer.overBudget()).as("under the budget").isFalse();

        futures.add(producer.send("t", (byte[]) null, new byte[3_000], new RecordHeaders()));
        assertThat(producer.overBudget()).as("over the budget: records queued count at once").isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 4);
        kafka.completeNext();
        assertThat(futures.get(0)).isCompleted();
        assertThat(producer.pendingBytes()).isBetween(9_000L, 10_000L);
        assertThat(producer.overBudget()).as("back under the budget, not yet under three quarters of it").isTrue();
        kafka.errorNext(new RecordTooLargeException("too large")); // a failed record counts no more either
        assertThat(producer.pendingBytes()).isBetween(6_000L, 7_500L);
        assertThat(producer.overBudget()).isFalse();
        kafka.flush();
        assertThat(producer.pendingBytes()).isZero();
    }

    @Test
    void aRetriableFailureIsSentAgainWithTheSameBytesAndTheFutureCompletesWhenItIsAcknowledged() throws Exception {
        MockProducer<byte[], byte[]> kafka = mock();
        OutboundProducer producer = outbound(kafka, 1 << 20, FAST_BACKOFF);
        byte[] value = "outcome".getBytes();

        CompletableFuture<Void> future = producer.send("t", "key", value, OutboundProducer.headers("h", "v"));
        await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 1);
        kafka.errorNext(new TimeoutException("Expiring 1 record(s): 120000 ms has passed since batch creation"));
        await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 2);
        assertThat(future).as("not failed by a retriable error").isNotDone();
        kafka.errorNext(new NotEnoughReplicasException("not enough replicas"));
        await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 3);
        kafka.completeNext();

        future.get(5, TimeUnit.SECONDS);
        assertThat(producer.resends()).isEqualTo(2);
        assertThat(kafka.history()).allSatisfy(record -> {
            assertThat(record.value()).isEqualTo(value);
            assertThat(new String(record.key())).isEqualTo("key");
            assertThat(new String(record.headers().lastHeader("h").value())).isEqualTo("v");
        });
        assertThat(producer.pendingBytes()).isZero();
    }

    @Test
    void theResendBackoffDoublesPerRecord() {
        MockProducer<byte[], byte[]> kafka = mock();
        OutboundProducer producer = outbound(kafka, 1 << 20, Duration.ofMillis(200));
        producer.send("t", "key", new byte[10], new RecordHeaders());
        List<Long> handedAtMs = new ArrayList<>();
        long start = System.nanoTime();
        for (int tries = 1; tries <= 3; tries++) {
            int expected = tries;
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> kafka.history().size() == expected);
            handedAtMs.add((System.nanoTime() - start) / 1_000_000);
            kafka.errorNext(new TimeoutException("expired"));
        }
        // failed at about 0, 200 and 600 ms: handed over again 200 ms, then 400 ms after each failure
        assertThat(handedAtMs.get(1) - handedAtMs.get(0)).isBetween(190L, 390L);
        assertThat(handedAtMs.get(2) - handedAtMs.get(1)).isBetween(390L, 690L);
    }

    @Test
    void aNonRetriableFailureFailsTheFutureAtOnceWithoutResending() {
        MockProducer<byte[], byte[]> kafka = mock();
        OutboundProducer producer = outbound(kafka, 1 << 20, FAST_BACKOFF);

        CompletableFuture<Void> future = producer.send("t", "key", new byte[10], new RecordHeaders());
        await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 1);
        kafka.errorNext(new RecordTooLargeException("record too large"));

        assertThat(future).isCompletedExceptionally();
        assertThat(catchCause(future)).isInstanceOf(RecordTooLargeException.class);
        assertThat(producer.resends()).isZero();
        assertThat(kafka.history()).hasSize(1);
        assertThat(producer.pendingBytes()).isZero();
    }

    @Test
    void closeHandsOverWhatWaitsOutABackoffLetsTheProducerFlushAndFailsWhatIsLeft() {
        MockProducer<byte[], byte[]> kafka = mock();
        OutboundProducer producer = outbound(kafka, 1 << 20, Duration.ofHours(1));

        CompletableFuture<Void> acked = producer.send("t", "a", new byte[10], new RecordHeaders());
        CompletableFuture<Void> waiting = producer.send("t", "b", new byte[10], new RecordHeaders());
        await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 2);
        kafka.completeNext();
        kafka.errorNext(new TimeoutException("expired")); // "b" now waits an hour before it is sent again

        long started = System.nanoTime();
        producer.close();
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(acked).isCompleted();
        assertThat(kafka.history()).as("the waiting record handed over at once on close").hasSize(3);
        assertThat(kafka.closed()).isTrue();
        assertThat(waiting).as("never acknowledged: failed, not left hanging").isCompletedExceptionally();
        assertThat(tookMs).isLessThan(2_000);
        assertThat(producer.pendingBytes()).isZero();
        CompletableFuture<Void> late = producer.send("t", "c", new byte[10], new RecordHeaders());
        assertThat(late).as("refused after close").isCompletedExceptionally();
        assertThat(producer.pendingBytes()).isZero();
    }

    @Test
    void closeDoesNotHangOnASendBlockedOnAFullBufferAndFailsEveryPendingFuture() {
        BlockingProducer kafka = new BlockingProducer();
        OutboundProducer producer = outbound(kafka, 1 << 20, FAST_BACKOFF);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            futures.add(producer.send("t", "k" + i, new byte[10], new RecordHeaders()));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> kafka.entered.getCount() == 0);

        long started = System.nanoTime();
        producer.close();
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(tookMs).as("close with a send blocked in the producer").isLessThan(3_000);
        assertThat(futures).allMatch(CompletableFuture::isCompletedExceptionally);
        assertThat(producer.pendingBytes()).isZero();
    }

    @Test
    void aRecordTheClosedProducerDropsFailsItsFuture() {
        MockProducer<byte[], byte[]> kafka = mock();
        OutboundProducer producer = outbound(kafka, 1 << 20, FAST_BACKOFF);
        CompletableFuture<Void> future = producer.send("t", "key", new byte[10], new RecordHeaders());
        await().atMost(Duration.ofSeconds(5)).until(() -> kafka.history().size() == 1);
        kafka.close(); // closed under it (MockProducer does not call back for what it holds)

        producer.close();

        assertThat(future).isCompletedExceptionally();
    }

    private OutboundProducer outbound(org.apache.kafka.clients.producer.Producer<byte[], byte[]> kafka, long budget,
            Duration backoff) {
        OutboundProducer producer = new OutboundProducer(kafka, budget, backoff, Duration.ofSeconds(30), Duration.ofSeconds(1));
        created.add(producer);
        return producer;
    }

    private static MockProducer<byte[], byte[]> mock() {
        return new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Throwable catchCause(CompletableFuture<Void> future) {
        try {
            future.get(1, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    /**
     * send() blocks as KafkaProducer.send does while its buffer.memory is full, until released or closed (a closed
     * KafkaProducer wakes a send waiting for memory with a KafkaException); then behaves as MockProducer.
     */
    private static final class BlockingProducer extends MockProducer<byte[], byte[]> {

        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Set<String> callers = ConcurrentHashMap.newKeySet();
        private volatile boolean closedUnderIt;

        BlockingProducer() {
            super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            callers.add(Thread.currentThread().getName());
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (closedUnderIt) {
                throw new KafkaException("Producer closed while send in progress");
            }
            return super.send(record, callback);
        }

        @Override
        public void close(Duration timeout) {
            closedUnderIt = true;
            release.countDown();
            super.close(timeout);
        }
    }
}
