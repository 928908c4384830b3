package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.idp.push.support.ReceivedRequest;
import com.idp.push.support.ServiceProcess;
import com.idp.push.support.TestInfrastructure;
import com.idp.push.support.TestReceiver;

/**
 * Two instances in one consumer group; one stops (SIGTERM) while its deliveries are in flight and retries
 * wait in the delay topic. The survivor takes its partitions over: every delayed record is attempted,
 * never before it is due and at most {@link #LATE_BOUND} after (the leaving instance's revoke grace, the
 * rebalance and a poll), and afterwards no partition of the group is left paused or behind.
 */
class RebalanceIT {

    private static final int EVENTS_PER_BATCH = 150;
    private static final Duration ANSWER_DELAY = Duration.ofMillis(1_500);
    private static final Duration RETRY_DELAY = Duration.ofSeconds(4);
    private static final Duration REVOKE_GRACE = Duration.ofSeconds(3);
    /** How late a retry may be: revoke grace + rebalance (join, sync, cooperative second round) + slack. */
    private static final Duration LATE_BOUND = REVOKE_GRACE.plusSeconds(5);

    private final String run = "rebal_" + UUID.randomUUID().toString().substring(0, 8);
    private final TestReceiver receiver = TestReceiver.start();
    private final List<ServiceProcess> processes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        processes.forEach(ServiceProcess::close);
        receiver.close();
    }

    @Test
    void whenOneOfTwoInstancesStopsEveryDelayedRecordIsAttemptedOnTimeByTheOther() throws Exception {
        ServiceProcess.Settings settings = new ServiceProcess.Settings(run, "256m", Map.of(
                "idp.push.retry.delays", Long.toString(RETRY_DELAY.toSeconds()),
                "idp.push.http.timeout", "10",
                "idp.push.engine.revoke-grace", Long.toString(REVOKE_GRACE.toMillis())));
        String rule = "R_" + run;
        int firstAttempts = 2 * EVENTS_PER_BATCH;
        // every first attempt fails (and is held 1.5 s), every retry succeeds
        receiver.on("/rebalance").delay(ANSWER_DELAY)
                .respondSequence(IntStream.concat(IntStream.range(0, firstAttempts).map(i -> 503), IntStream.of(200)).toArray());
        ServiceProcess a = start(settings, "a");
        ServiceProcess b = start(settings, "b");
        var created = a.api().post("/api/v1/webhooks", """
                {"id":"WH_%s","url":"%s","rule_ids":["%s"],"auth_type":"none"}""".formatted(run, receiver.url("/rebalance"), rule));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        try (Admin admin = admin(); KafkaProducer<String, String> producer = producer()) {
            await("both instances in the group").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> stableMembers(admin) == 2);

            produce(producer, settings, rule, 0);
            // retries of the first batch are waiting in the delay topic once their first attempts are answered
            String delayTopic = settings.retryPrefix() + RETRY_DELAY.toSeconds() + "s";
            await("first batch waiting in " + delayTopic).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> records(admin, delayTopic) >= EVENTS_PER_BATCH);
            produce(producer, settings, rule, 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> tasks(1).size() > EVENTS_PER_BATCH); // second batch in flight
            long stopping = System.nanoTime();
            b.stop();
            long stopMs = (System.nanoTime() - stopping) / 1_000_000;

            await("a retry of every delivery").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> tasks(2).size() == firstAttempts);

            // due = answer of the failed attempt + the delay; the answer came ANSWER_DELAY after arrival
            Map<String, List<ReceivedRequest>> byDelivery = receiver.requests("/rebalance").stream()
                    .collect(Collectors.groupingBy(r -> r.header("X-IDP-Delivery-Id")));
            long earliestMs = Long.MAX_VALUE;
            long latestMs = 0;
            for (List<ReceivedRequest> attempts : byDelivery.values()) {
                ReceivedRequest first = attempts.stream().filter(r -> "1".equals(r.header("X-IDP-Attempt")))
                        .max(Comparator.comparing(ReceivedRequest::receivedAt)).orElseThrow(); // a repeat after the stop counts
                ReceivedRequest retry = attempts.stream().filter(r -> "2".equals(r.header("X-IDP-Attempt")))
                        .min(Comparator.comparing(ReceivedRequest::receivedAt)).orElseThrow();
                long afterDueMs = Duration.between(first.receivedAt().plus(ANSWER_DELAY).plus(RETRY_DELAY), retry.receivedAt()).toMillis();
                earliestMs = Math.min(earliestMs, afterDueMs);
                latestMs = Math.max(latestMs, afterDueMs);
            }
            System.out.printf("[rebalance] %d deliveries, instance b stopped in %d ms while %d first attempts were in flight;"
                    + " retries attempted between %d ms and %d ms after due (bound %d ms)%n", byDelivery.size(), stopMs,
                    firstAttempts - EVENTS_PER_BATCH, earliestMs, latestMs, LATE_BOUND.toMillis());
            assertThat(byDelivery).hasSize(firstAttempts);
            assertThat(earliestMs).as("never before due").isGreaterThanOrEqualTo(-50); // clock granularity only
            assertThat(latestMs).as("no later than due + bound").isLessThanOrEqualTo(LATE_BOUND.toMillis());

            // no partition stays paused: fresh records on every partition are attempted at once, and the group catches up
            int before = receiver.requests("/rebalance").size();
            for (int partition = 0; partition < 3; partition++) {
                String task = run + "_Z" + partition;
                producer.send(new ProducerRecord<>(settings.inputTopic(), partition, task, event(task, rule))).get();
            }
            await("fresh records on every partition").atMost(Duration.ofSeconds(10))
                    .until(() -> receiver.requests("/rebalance").size() >= before + 3);
            await("the group has no lag").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                    .until(() -> lag(admin) == 0);
            assertThat(a.isAlive()).isTrue();
        }
    }

    /**
     * SPEC §4 "at least once, never forked": a third member joins two while events keep arriving and every
     * first attempt is a 503 answered after 3 s, at the shipped defaults, so attempts are in flight on the
     * partitions that move. Every (delivery, attempt) must have exactly one record on the delay topic: a
     * revoked partition's late outcome must not start a second retry chain beside the new owner's.
     */
    @Test
    void aMemberJoiningWhileAttemptsAreInFlightForksNoRetryChain() throws Exception {
        ServiceProcess.Settings settings = new ServiceProcess.Settings(run, "256m", Map.of());
        String rule = "R_" + run;
        receiver.on("/fork").delay(Duration.ofSeconds(3)).respond(503);
        ServiceProcess a = start(settings, "a");
        start(settings, "b");
        var created = a.api().post("/api/v1/webhooks", """
                {"id":"WH_%s","url":"%s","rule_ids":["%s"],"auth_type":"none"}""".formatted(run, receiver.url("/fork"), rule));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        int events = 200;
        try (Admin admin = admin(); KafkaProducer<String, String> producer = producer()) {
            await("both instances in the group").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> stableMembers(admin) == 2);
            Thread load = new Thread(() -> {
                for (int i = 0; i < events; i++) {
                    String task = run + "_F_" + i;
                    producer.send(new ProducerRecord<>(settings.inputTopic(), task, event(task, rule)));
                    try {
                        Thread.sleep(100); // 10 events/s for 20 s: ~30 attempts always waiting for their 503
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                producer.flush();
            }, "fork-load");
            load.start();
            start(settings, "c"); // joins while the stream goes on: partitions move with attempts in flight
            await("three instances in the group").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> stableMembers(admin) == 3);
            load.join(60_000);
            int expected = events;
            String delayTopic = settings.retryPrefix() + "10s";
            await("a retry record for every first attempt").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> records(admin, delayTopic) >= expected);
            Thread.sleep(6_000); // anything a late outcome would still add, is added by now
            Map<String, Long> perAttempt = new java.util.HashMap<>();
            try (var reader = new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.<String, Object>of(
                    org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    TestInfrastructure.get().kafkaBootstrapServers()),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                List<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(delayTopic, p)).toList();
                reader.assign(partitions);
                reader.seekToBeginning(partitions);
                long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                long total = records(admin, delayTopic);
                long read = 0;
                while (read < total && System.nanoTime() < end) {
                    for (var record : reader.poll(Duration.ofMillis(200))) {
                        read++;
                        String key = new String(record.headers().lastHeader(PipelineHeaders.DELIVERY_ID).value())
                                + "#" + new String(record.headers().lastHeader(PipelineHeaders.ATTEMPT).value());
                        perAttempt.merge(key, 1L, Long::sum);
                    }
                }
            }
            long forked = perAttempt.values().stream().filter(n -> n > 1).count();
            System.out.printf("[rebalance] %d retry records for %d (delivery, attempt) pairs; %d forked%n",
                    perAttempt.values().stream().mapToLong(Long::longValue).sum(), perAttempt.size(), forked);
            assertThat(perAttempt.keySet().stream().filter(k -> k.endsWith("#2")).count())
                    .as("a first retry for every event").isEqualTo(expected);
            assertThat(perAttempt).as("one retry record per (delivery, attempt)")
                    .allSatisfy((attempt, count) -> assertThat(count).as(attempt).isEqualTo(1L));
        }
    }

    private ServiceProcess start(ServiceProcess.Settings settings, String name) {
        ServiceProcess process = ServiceProcess.start(settings, run + "-" + name);
        processes.add(process);
        process.awaitConsuming(Duration.ofSeconds(120));
        return process;
    }

    private void produce(KafkaProducer<String, String> producer, ServiceProcess.Settings settings, String rule, int batch)
            throws Exception {
        for (int i = 0; i < EVENTS_PER_BATCH; i++) {
            String task = run + "_B" + batch + "_" + i;
            producer.send(new ProducerRecord<>(settings.inputTopic(), task, event(task, rule)));
        }
        producer.flush();
    }

    /** Tasks of the run (batches only) that got at least one request with this attempt number. */
    private List<String> tasks(int attempt) {
        return receiver.requests("/rebalance").stream()
                .filter(r -> String.valueOf(attempt).equals(r.header("X-IDP-Attempt")))
                .map(r -> r.header("X-IDP-Task-Id")).filter(t -> t.startsWith(run + "_B")).distinct().toList();
    }

    private int stableMembers(Admin admin) throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(run)).all().get().get(run);
        return group.groupState() == GroupState.STABLE ? group.members().size() : -1;
    }

    private static long records(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, 3).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    /** Records of the group's topics not yet committed by the group. */
    private long lag(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(run).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get();
        return committed.entrySet().stream()
                .mapToLong(e -> ends.get(e.getKey()).offset() - e.getValue().offset()).sum();
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.get().kafkaBootstrapServers()));
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.get().kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    private static String event(String task, String rule) {
        return """
                {"task_id":"%s","rule_id":"%s","result_json":{"n":1}}""".formatted(task, rule);
    }
}
