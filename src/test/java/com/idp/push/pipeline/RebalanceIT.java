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
