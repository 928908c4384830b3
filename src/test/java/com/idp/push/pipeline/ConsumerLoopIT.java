package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.idp.push.support.TestInfrastructure;

/**
 * The engine's commit, backpressure, waiting and rebalance rules, on the real broker, with a handler
 * whose work the test completes by hand (no HTTP, no Spring).
 */
class ConsumerLoopIT {

    private static final String BOOTSTRAP = TestInfrastructure.get().kafkaBootstrapServers();

    private final String topic = "loop-" + UUID.randomUUID();
    private final String group = "group-" + UUID.randomUUID();
    private final TopicPartition partition = new TopicPartition(topic, 0);
    private final Map<Long, CompletableFuture<Void>> work = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Long> dispatched = new ConcurrentLinkedQueue<>();
    private final AtomicInteger dispatchedCount = new AtomicInteger();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<ConsumerLoop> loops = new CopyOnWriteArrayList<>();
    private final List<KafkaConsumer<byte[], byte[]>> consumers = new CopyOnWriteArrayList<>();
    /** What the loop set aside: offset and reason. */
    private final Map<Long, String> setAside = new ConcurrentHashMap<>();

    @AfterEach
    void stopLoops() throws InterruptedException {
        loops.forEach(ConsumerLoop::stop);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }

    @Test
    void completesOutOfOrderButCommitsOnlyBelowTheFirstUnfinishedRecord() throws Exception {
        createTopic(1);
        produce(10);
        start(100, record -> started(record));
        await().atMost(Duration.ofSeconds(20)).until(() -> dispatched.size() == 10);
        assertThat(dispatched).as("all ten in flight at once").containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);

        for (long offset = 9; offset >= 4; offset--) {
            work.get(offset).complete(null);
        }
        work.get(0L).complete(null);
        work.get(1L).complete(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> committed().orElse(-1L) == 2L);
        Thread.sleep(500);
        assertThat(committed()).as("2 and 3 still running hold the commit at 2").hasValue(2L);

        work.get(3L).complete(null);
        work.get(2L).complete(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> committed().orElse(-1L) == 10L);
    }

    @Test
    void pausesAPartitionWhenItsWindowIsFullAndResumesAsItDrains() throws Exception {
        createTopic(1);
        produce(20);
        start(8, record -> started(record));
        await().atMost(Duration.ofSeconds(20)).until(() -> dispatched.size() == 8);
        Thread.sleep(500);
        assertThat(dispatched).as("no more than the bound in flight").hasSize(8);

        work.get(0L).complete(null);
        Thread.sleep(500);
        assertThat(dispatched).as("7 in the window is above three quarters of 8: stays paused").hasSize(8);

        work.get(1L).complete(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> dispatched.size() == 10);
        Thread.sleep(300);
        assertThat(dispatched).as("resumed where it stopped, up to the bound again, nothing skipped or repeated")
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void waitsForADueTimeByPausingAndNeverDispatchesEarly() throws Exception {
        createTopic(1);
        produce(3);
        Instant due = Instant.now().plusMillis(1500);
        ConcurrentLinkedQueue<Instant> dispatchedAt = new ConcurrentLinkedQueue<>();
        start(100, record -> {
            if (Instant.now().isBefore(due)) {
                return new Dispatch.NotDue(due);
            }
            dispatchedAt.add(Instant.now());
            return new Dispatch.Started(CompletableFuture.completedFuture(null));
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> dispatchedAt.size() == 3);
        assertThat(dispatchedAt).allSatisfy(at -> assertThat(at).isAfterOrEqualTo(due));
        await().atMost(Duration.ofSeconds(10)).until(() -> committed().orElse(-1L) == 3L);
    }

    @Test
    void aStoppedInstancesUnfinishedRecordsAreRedeliveredToTheOtherMember() throws Exception {
        createTopic(2);
        produce(10);
        ConcurrentLinkedQueue<String> seenBySecond = new ConcurrentLinkedQueue<>();
        ConsumerLoop first = start(100, record -> {
            // finishes only even offsets: the odd ones stay in flight when this instance stops
            return new Dispatch.Started(record.offset() % 2 == 0
                    ? CompletableFuture.completedFuture(null) : new CompletableFuture<>());
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> dispatchedCount.get() >= 10);
        start(100, record -> {
            seenBySecond.add(record.partition() + "@" + record.offset());
            return new Dispatch.Started(CompletableFuture.completedFuture(null));
        });
        first.stop();

        await().atMost(Duration.ofSeconds(30)).until(() -> committedAll(2));
        Set<String> redelivered = Set.copyOf(seenBySecond);
        try (KafkaConsumer<byte[], byte[]> reader = consumer("reader-" + UUID.randomUUID())) {
            List<TopicPartition> both = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            reader.assign(both);
            reader.seekToBeginning(both);
            int odd = 0; // offsets 1 and 3 of each partition
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (odd < 4 && System.nanoTime() < end) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    if (r.offset() % 2 == 1) {
                        odd++;
                        assertThat(redelivered).as("unfinished %s-%d went to the other member", r.partition(), r.offset())
                                .contains(r.partition() + "@" + r.offset());
                    }
                }
            }
            assertThat(odd).isEqualTo(4);
        }
    }


    @Test
    void aFailedRecordIsTriedAgainAloneAndDurableRecordsAfterItAreNotDispatchedAgain() throws Exception {
        createTopic(1);
        produce(6);
        Map<Long, Integer> calls = new ConcurrentHashMap<>();
        start(100, record -> {
            int call = calls.merge(record.offset(), 1, Integer::sum);
            if (record.offset() == 1 && call == 1) {
                return new Dispatch.Started(CompletableFuture.failedFuture(new IllegalStateException("broker said no")));
            }
            return new Dispatch.Started(CompletableFuture.completedFuture(null));
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> committed().orElse(-1L) == 6L);
        assertThat(calls.get(1L)).as("the failed record ran again").isEqualTo(2);
        assertThat(calls).as("every other record ran once: durable outcomes are not produced twice")
                .containsEntry(0L, 1).containsEntry(2L, 1).containsEntry(3L, 1).containsEntry(4L, 1).containsEntry(5L, 1);
        assertThat(setAside).isEmpty();
    }

    @Test
    void aRecordThatNeverBecomesDurableIsSetAsideAfterBoundedTriesAndThePartitionMovesOn() throws Exception {
        createTopic(1);
        produce(5);
        Map<Long, Integer> calls = new ConcurrentHashMap<>();
        start(100, record -> {
            calls.merge(record.offset(), 1, Integer::sum);
            if (record.offset() == 2) {
                return new Dispatch.Started(CompletableFuture.failedFuture(
                        new CompletionException(new RecordTooLargeException("the retry record is 9 MB"))));
            }
            return new Dispatch.Started(CompletableFuture.completedFuture(null));
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> committed().orElse(-1L) == 5L);
        Thread.sleep(1500);
        assertThat(calls.get(2L)).as("bounded tries, then no more").isEqualTo(ConsumerLoop.MAX_TRIES);
        assertThat(calls).containsEntry(0L, 1).containsEntry(1L, 1).containsEntry(3L, 1).containsEntry(4L, 1);
        assertThat(setAside).containsOnlyKeys(2L);
        assertThat(setAside.get(2L)).startsWith("outcome-not-durable").contains("RecordTooLargeException");
    }

    @Test
    void aHandlerExceptionIsSetAsideAfterBoundedTriesInsteadOfStallingThePartition() throws Exception {
        createTopic(1);
        produce(3);
        Map<Long, Integer> calls = new ConcurrentHashMap<>();
        start(100, record -> {
            calls.merge(record.offset(), 1, Integer::sum);
            if (record.offset() == 0) {
                throw new NullPointerException("a header without a value");
            }
            return new Dispatch.Started(CompletableFuture.completedFuture(null));
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> committed().orElse(-1L) == 3L);
        assertThat(calls.get(0L)).isEqualTo(ConsumerLoop.MAX_TRIES);
        assertThat(setAside).containsOnlyKeys(0L);
    }

    @Test
    void theBackoffGrowsPerFailingOffsetWhateverOtherRecordsDo() throws Exception {
        createTopic(1);
        produce(1);
        List<Long> triesAtMs = new CopyOnWriteArrayList<>();
        start(100, record -> {
            if (record.offset() == 0) {
                triesAtMs.add(System.nanoTime() / 1_000_000);
                // retriable (the broker timed out): tried until it succeeds, never set aside
                return new Dispatch.Started(triesAtMs.size() < 5
                        ? CompletableFuture.failedFuture(new org.apache.kafka.common.errors.TimeoutException("broker away"))
                        : CompletableFuture.completedFuture(null));
            }
            return new Dispatch.Started(CompletableFuture.completedFuture(null));
        });
        // other records keep succeeding while offset 0 fails
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (triesAtMs.size() < 5 && System.nanoTime() < end) {
            produce(1);
            Thread.sleep(100);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> committed().orElse(-1L) > 1L);
        assertThat(triesAtMs).hasSize(5);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < triesAtMs.size(); i++) {
            gaps.add(triesAtMs.get(i) - triesAtMs.get(i - 1));
        }
        assertThat(gaps).as("0.5 s, 1 s, 2 s, 4 s: doubling although other records succeed in between")
                .satisfies(g -> {
                    assertThat(g.get(0)).isBetween(400L, 900L);
                    assertThat(g.get(1)).isBetween(900L, 1600L);
                    assertThat(g.get(2)).isBetween(1900L, 2800L);
                    assertThat(g.get(3)).isBetween(3900L, 5000L);
                });
        assertThat(setAside).isEmpty();
    }

    @Test
    void workStillRunningForARevokedPartitionProducesNothingSoEachRecordHasOneOutcome() throws Exception {
        createTopic(2);
        produce(10);
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            // each record's work (8 s, longer than the rebalance takes) outlasts the revoke grace (500 ms
            // here, as an attempt of 30 s would at the shipped 5 s), then produces its outcome under the lease of the partition it came from
            RecordHandler slowWork = (record, lease) -> {
                CompletableFuture<Void> done = new CompletableFuture<>();
                timer.schedule(() -> lease.produceIfHeld(() -> {
                    outcomes.merge(record.partition() + "@" + record.offset(), 1, Integer::sum);
                    return CompletableFuture.completedFuture(null);
                }).whenComplete((ignored, error) -> {
                    if (error == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(error);
                    }
                }), 8, TimeUnit.SECONDS);
                dispatchedCount.incrementAndGet();
                return new Dispatch.Started(done);
            };
            start(100, slowWork);
            await().atMost(Duration.ofSeconds(20)).until(() -> dispatchedCount.get() >= 10);
            start(100, slowWork); // joins: one partition moves while its work is in flight

            await().atMost(Duration.ofSeconds(40)).until(() -> committedAll(2));
            Thread.sleep(8500); // anything the first member still had running has ended by now
            assertThat(outcomes).as("one outcome per record, none forked by the rebalance").hasSize(10)
                    .allSatisfy((record, count) -> assertThat(count).as(record).isEqualTo(1));
            assertThat(dispatchedCount.get()).as("the moved partition's records were processed again by the new owner")
                    .isGreaterThan(10);
        } finally {
            timer.shutdownNow();
        }
    }


    @Test
    void aDelayTopicIsFetchedOnceNotAgainAtEveryDueTime() throws Exception {
        createTopic(1);
        int count = 300;
        byte[] padding = new byte[1000];
        long firstDue = System.currentTimeMillis() + 2_000;
        long produced = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                // due every 20 ms (50/s), as retries through a delay topic are
                byte[] value = (Long.toString(firstDue + 20L * i) + ":" + new String(padding, StandardCharsets.ISO_8859_1))
                        .getBytes(StandardCharsets.ISO_8859_1);
                produced += value.length;
                producer.send(new ProducerRecord<>(topic, 0, null, value));
            }
            producer.flush();
        }
        start(100, record -> {
            String value = new String(record.value(), StandardCharsets.ISO_8859_1);
            Instant due = Instant.ofEpochMilli(Long.parseLong(value.substring(0, value.indexOf(':'))));
            if (Instant.now().isBefore(due)) {
                return new Dispatch.NotDue(due);
            }
            dispatched.add(record.offset());
            return new Dispatch.Started(CompletableFuture.completedFuture(null));
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> dispatched.size() == count);
        double fetched = consumers.get(0).metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("incoming-byte-total") && e.getKey().group().equals("consumer-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
        System.out.printf("[delay fetch] %d records, %d value bytes produced, %.0f bytes fetched (%.1fx)%n",
                count, produced, fetched, fetched / produced);
        assertThat(fetched).as("bytes fetched, against %d produced", produced).isLessThan(3.0 * produced);
        assertThat(List.copyOf(dispatched)).as("in order, each once").hasSize(count).isSorted();
    }

    private Dispatch started(ConsumerRecord<byte[], byte[]> record) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        work.put(record.offset(), future);
        dispatched.add(record.offset());
        return new Dispatch.Started(future);
    }

    /** A handler that needs no lease: these tests look at the loop, not at what the work produces. */
    private interface Handler {
        Dispatch handle(ConsumerRecord<byte[], byte[]> record);
    }

    private ConsumerLoop start(int maxInFlight, Handler handler) {
        RecordHandler counting = (record, lease) -> {
            Dispatch dispatch = handler.handle(record);
            if (dispatch instanceof Dispatch.Started) {
                dispatchedCount.incrementAndGet();
            }
            return dispatch;
        };
        return start(maxInFlight, counting);
    }

    private ConsumerLoop start(int maxInFlight, RecordHandler handler) {
        ConsumerLoop.SetAside recorder = (record, reason, detail) -> {
            setAside.put(record.offset(), reason + ": " + detail);
            return CompletableFuture.completedFuture(null);
        };
        KafkaConsumer<byte[], byte[]> consumer = consumer(group);
        consumers.add(consumer);
        ConsumerLoop loop = new ConsumerLoop(consumer, Pattern.compile(Pattern.quote(topic)), handler, recorder,
                new InFlightLimits(maxInFlight, maxInFlight, 64L << 20), Duration.ofMillis(100), Duration.ofMillis(500),
                ConsumerLoop::monotonicMillis, java.time.Clock.systemUTC());
        Thread thread = new Thread(loop, "test-loop");
        loops.add(loop);
        threads.add(thread);
        thread.start();
        return loop;
    }

    private KafkaConsumer<byte[], byte[]> consumer(String groupId) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP,
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void createTopic(int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Produces {@code count} records, spread round-robin over the topic's partitions by explicit partition. */
    private void produce(int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP), new ByteArraySerializer(), new ByteArraySerializer())) {
            int partitions = producer.partitionsFor(topic).size();
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, null, ("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private Optional<Long> committed() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP))) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS).get(partition);
            return Optional.ofNullable(offset).map(OffsetAndMetadata::offset);
        }
    }

    private boolean committedAll(int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            long total = 0;
            for (int p = 0; p < partitions; p++) {
                OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, p));
                total += offset == null ? 0 : offset.offset();
            }
            return total == 10;
        }
    }
}
