package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import com.idp.push.delivery.CappedBody;
import com.idp.push.support.IntegrationTest;
import com.idp.push.support.TestInfrastructure;
import com.idp.push.support.TopicReader;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * An attempt log too large for its topic must not hold up deliveries: the topic here takes records of at
 * most 200 KB, and the event carries a 300 KB result (incompressible), so the first attempt's log (request
 * body and event) cannot be written. The delivery still completes and its offset is committed, a reduced
 * attempt log (no bodies, no event, saying so) stands in for it, and a failing delivery's retries and dead
 * letter are written as always; a log too large even so is dropped and counted. Before the fallback, the failed send rewound the partition to the record
 * again and again: the receiver got the same first attempt over and over and nothing after it on that
 * partition was consumed.
 *
 * <p>Its own context and topics: the attempt topic is created beforehand with the small limit, and the
 * shared context's topics keep theirs.
 */
@TestPropertySource(properties = {
        "idp.push.topics.input=big.task.completed",
        "idp.push.topics.invalid=big.push.invalid",
        "idp.push.topics.replay=big.push.replay",
        "idp.push.topics.dlq=big.push.dlq",
        "idp.push.topics.attempts=big.push.attempts",
        "idp.push.topics.retry-prefix=big.push.retry-",
        "idp.push.engine.group-id=idp-push-big",
        "idp.push.sinks.log-group-id=idp-push-big-log-sink",
        "idp.push.sinks.dlq-group-id=idp-push-big-dlq-sink"})
class OversizedAttemptLogIT extends IntegrationTest {

    private static final String ATTEMPTS = "big.push.attempts";
    private static final String GROUP = "idp-push-big";
    /**
     * Above the producer's batch.size (128 KB) on purpose: below it, the Kafka producer splits a refused batch
     * of several records into batches as large as before, and retries them forever (the split targets
     * batch.size, not the topic's limit), until its I/O thread dies of a stack overflow. README: keep the
     * attempt topic's max.message.bytes above 128 KB.
     */
    private static final int ATTEMPT_TOPIC_LIMIT = 200_000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    private PipelineTopics topics;
    @Autowired
    private MeterRegistry meters;

    @BeforeAll
    static void smallAttemptTopic() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(ATTEMPTS, 3, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(ATTEMPT_TOPIC_LIMIT)))))
                    .all().get();
        }
    }

    @Test
    void anAttemptLogTooLargeForItsTopicIsReducedAndNeitherRewindsNorBlocksThePartition() throws Exception {
        String rule = unique("R");
        String okPath = "/" + unique("big-ok");
        String failPath = "/" + unique("big-fail");
        receiver.on(failPath).respond(500);
        String ok = unique("WH");
        String failing = unique("WH");
        insertWebhook(ok, receiver.url(okPath), "s3cret-signing", rule);
        insertWebhook(failing, receiver.url(failPath), "s3cret-signing", rule);
        String task = unique("T");
        String large = largeEvent(task, rule, 300_000);

        produce(topics.input(), task, large);
        String after = onSamePartition(task);
        produce(topics.input(), after, event(after, rule));

        await().atMost(WAIT).untilAsserted(() -> assertThat(inputLag())
                .as("uncommitted input records; first attempts received: %d", receiver.requests(okPath).size())
                .isZero());
        assertThat(receiver.requests(okPath).stream().filter(r -> task.equals(r.header("X-IDP-Task-Id"))))
                .as("the large event's delivery made once, not repeated by rewinds").hasSize(1);
        assertThat(receiver.requests(okPath).stream().filter(r -> after.equals(r.header("X-IDP-Task-Id"))))
                .as("the next event on that partition delivered too").hasSize(1);

        // the failing delivery still went through its retries to the DLQ: its outcome records were written
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.await(topics.dlq(),
                r -> task.equals(TopicReader.key(r)) && failing.equals(TopicReader.header(r, "idp-webhook-id")), 1, WAIT);
        assertThat(TopicReader.header(dead.get(0), "idp-retry-count")).isEqualTo("3");
        assertThat(receiver.requests(failPath).stream().filter(r -> task.equals(r.header("X-IDP-Task-Id"))))
                .extracting(r -> r.header("X-IDP-Attempt")).containsExactly("1", "2", "3", "4");

        // one first attempt of the record carries the event: too large, so stored reduced, saying so; the other, without
        // the event, fits once its request body is capped
        await().atMost(WAIT).untilAsserted(() -> assertThat(jdbc.sql("""
                select webhook_id, success, error_message, request_body, response_body from push_logs
                 where task_id = ? and retry_count = 0 order by webhook_id""").param(task)
                .query((rs, n) -> List.of(rs.getString(1), rs.getBoolean(2), String.valueOf(rs.getString(3)),
                        String.valueOf(rs.getString(4)), String.valueOf(rs.getString(5)))).list())
                .hasSize(2).satisfiesExactlyInAnyOrder(row -> {
                    assertThat((String) row.get(2)).contains("attempt log reduced");
                    assertThat(row.get(3)).isEqualTo("null");
                    assertThat(row.get(4)).isEqualTo("null");
                }, row -> {
                    assertThat((String) row.get(2)).doesNotContain("attempt log reduced");
                    assertThat((String) row.get(3)).contains(CappedBody.TRUNCATION_MARK).hasSizeLessThan(70_000);
                }));
        assertThat(jdbc.sql("select success from push_logs where task_id = ? and webhook_id = ? and retry_count = 0")
                .params(task, ok).query(Boolean.class).single()).isTrue();
        // retries carry no event: their log fits once the request body is capped, with a mark and the size
        await().atMost(WAIT).untilAsserted(() -> assertThat(jdbc.sql("""
                select request_body from push_logs where task_id = ? and webhook_id = ? and retry_count > 0
                   and not dead_lettered""").params(task, failing).query(String.class).list())
                .hasSize(3).allSatisfy(body -> assertThat(body)
                        .startsWith("{\"event\":\"task.completed\"")
                        .contains(CappedBody.TRUNCATION_MARK)
                        .endsWith(" bytes)")
                        .hasSizeLessThan(70_000)));
        assertThat(jdbc.sql("select count(*) from task_events where task_id = ?").param(after).query(Long.class).single())
                .as("the small event's log is whole, event included").isEqualTo(1);
    }

    /**
     * A webhook with 250 KB of (random) static headers, which the reduced log keeps too: that log is dropped, counted
     * and logged, and the delivery still runs its course (here: connection refused, retried, dead-lettered)
     * without holding up the partition.
     */
    @Test
    void anAttemptLogTooLargeEvenReducedIsDroppedAndCountedAndTheDeliveryGoesOn() throws Exception {
        String rule = unique("R");
        String otherRule = unique("R");
        String path = "/" + unique("big-next");
        String huge = unique("WH");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        insertWebhook(huge, "http://127.0.0.1:" + closedPort + "/nobody", "s3cret-signing", List.of(rule), "none", "{}",
                null, "{\"X-Big\":\"" + randomText(250_000) + "\"}", null);
        insertWebhook(unique("WH"), receiver.url(path), "s3cret-signing", otherRule);
        double droppedBefore = dropped();
        String task = unique("T");

        produce(topics.input(), task, event(task, rule));
        String after = onSamePartition(task);
        produce(topics.input(), after, event(after, otherRule));

        receiver.awaitRequests(path, 1, WAIT);
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.await(topics.dlq(), r -> task.equals(TopicReader.key(r)), 1, WAIT);
        assertThat(TopicReader.header(dead.get(0), "idp-retry-count")).isEqualTo("3");
        await().atMost(WAIT).untilAsserted(() -> assertThat(inputLag()).as("uncommitted input records").isZero());
        assertThat(dropped() - droppedBefore).as("attempt logs dropped").isEqualTo(4);
        assertThat(jdbc.sql("select count(*) from push_logs where task_id = ? and not dead_lettered").param(task)
                .query(Long.class).single()).as("attempt rows").isZero();
    }

    private double dropped() {
        Counter counter = meters.find("idp.push.attempt.logs.too.large").tag("result", "dropped").counter();
        return counter == null ? 0 : counter.count();
    }

    private long inputLag() throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, 3).boxed()
                    .collect(Collectors.toMap(p -> new TopicPartition(topics.input(), p), p -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().entrySet().stream()
                    .mapToLong(e -> e.getValue().offset() - Optional.ofNullable(committed.get(e.getKey()))
                            .map(OffsetAndMetadata::offset).orElse(0L))
                    .sum();
        }
    }

    /** A fresh task id whose records go to the same input partition as the given task's. */
    private static String onSamePartition(String task) {
        int partition = partition(task);
        String id;
        do {
            id = unique("T");
        } while (partition(id) != partition);
        return id;
    }

    /** The default partitioner's choice for a keyed record. */
    private static int partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 3;
    }

    /** An event whose result_json holds {@code bytes} of random text. */
    private static String largeEvent(String task, String rule, int bytes) {
        return """
                {"task_id":"%s","rule_id":"%s","result_json":{"pages":"%s"},"completed_at":"2025-12-14T10:00:00Z"}"""
                .formatted(task, rule, randomText(bytes));
    }

    /** Text that the producer's compression cannot shrink below the topic's limit. */
    private static String randomText(int bytes) {
        byte[] random = new byte[bytes * 3 / 4];
        new SecureRandom().nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.get().kafkaBootstrapServers()));
    }
}
