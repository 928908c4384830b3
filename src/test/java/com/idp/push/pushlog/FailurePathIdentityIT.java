package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.ApiClient;
import com.idp.push.support.IntegrationTest;
import com.idp.push.support.TopicReader;

/**
 * The identities of the failure path, on the real pipeline, Kafka and Postgres: every attempt really made
 * is one push_logs row (however often a dead letter is replayed), the same attempt record twice is one row,
 * and the same dead letter twice is one pending dead letter, re-pushed once.
 */
class FailurePathIdentityIT extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @LocalServerPort
    private int port;
    @Autowired
    private PipelineTopics topics;
    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port, API_TOKEN);
    }

    @Test
    void aDeadLetterReplayedTwiceLogsEveryAttemptMadeAndTheSameAttemptRecordTwiceIsOneRow() {
        String rule = unique("R");
        String task = unique("T");
        String path = "/" + unique("replayed-twice");
        receiver.on(path).respond(400); // non-retryable: dead after one attempt
        insertWebhook(unique("WH"), receiver.url(path), "s3cret", rule);
        produce(topics.input(), task, event(task, rule));
        ConsumerRecord<byte[], byte[]> dead = deadLetterOf(task);

        // still failing: an operator produces the DLQ record to the replay topic twice (kcat, twice)
        produce(topics.replay(), dead.key(), dead.value());
        produce(topics.replay(), dead.key(), dead.value());
        receiver.awaitRequests(path, 3, WAIT);
        // fixed but flaky: twice more; each replay fails once (503), is retried through a delay topic, and succeeds
        receiver.on(path).respondSequence(503, 503, 200);
        produce(topics.replay(), dead.key(), dead.value());
        produce(topics.replay(), dead.key(), dead.value());
        receiver.awaitRequests(path, 7, WAIT);

        await().atMost(WAIT).untilAsserted(() -> assertThat(attemptRows(task))
                .as("one push_logs row per attempt the receiver saw").isEqualTo(receiver.requests(path).size()));
        assertThat(receiver.requests(path)).hasSize(7);
        assertThat(count("select count(*) from push_logs where task_id = ? and not dead_lettered and success", task))
                .isEqualTo(2);

        // the sink consumes every attempt record of the task again (a rewind): still one row per attempt
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.await(topics.attempts(),
                r -> task.equals(TopicReader.key(r)), 7, WAIT);
        records.forEach(r -> produce(topics.attempts(), r.key(), r.value()));
        awaitSentinelOnAttempts(task);
        assertThat(attemptRows(task)).isEqualTo(7);
    }

    @Test
    void theSameDeadLetterTwiceOnTheDlqIsOnePendingRowAndIsRePushedOnce() {
        String rule = unique("R");
        String task = unique("T");
        String webhook = unique("WH");
        String path = "/" + unique("dead-twice");
        receiver.on(path).respond(400);
        insertWebhook(webhook, receiver.url(path), "s3cret", rule);
        produce(topics.input(), task, event(task, rule));
        ConsumerRecord<byte[], byte[]> dead = deadLetterOf(task);
        String deliveryId = TopicReader.header(dead, "idp-delivery-id");

        // the same dead letter again: the record itself (a rewind re-produced it) and as a crash re-produces it
        // (the source record processed again: the same delivery and attempts, a later dead_at)
        produce(topics.dlq(), dead.key(), dead.value());
        String later = TopicReader.value(dead).replaceFirst("\"dead_at\":\"[^\"]+\"",
                "\"dead_at\":\"" + Instant.now().plusSeconds(5) + "\"");
        produce(topics.dlq(), dead.key(), later.getBytes(StandardCharsets.UTF_8));
        awaitSentinelOnDlq(task);

        assertThat(count("select count(*) from dead_letters where delivery_id = ? and status = 'pending'", deliveryId))
                .as("pending dead letters of the delivery").isEqualTo(1);
        assertThat(count("select count(*) from push_logs where delivery_id = ? and dead_lettered", deliveryId))
                .as("dead-letter markers of the delivery").isEqualTo(1);

        receiver.on(path).respond(200);
        ApiClient.Response rePush = api.post("/api/v1/tasks/" + task + "/retry-push?webhook_id=" + webhook, null);

        assertThat(rePush.status()).isEqualTo(200);
        assertThat(rePush.json().path("requeued")).hasSize(1);
        receiver.awaitRequests(path, 2, WAIT);
        List<ConsumerRecord<byte[], byte[]>> replays = TopicReader.readAll(topics.replay(),
                r -> task.equals(TopicReader.key(r)), Duration.ofSeconds(4));
        assertThat(replays).as("replay records of the re-push").hasSize(1);
        assertThat(receiver.requests(path)).as("the first attempt and one re-pushed delivery").hasSize(2);
    }

    @Test
    void aRePushThatDiesWithoutMakingAnAttemptIsPendingAgain() {
        String rule = unique("R");
        String task = unique("T");
        String webhook = unique("WH");
        String path = "/" + unique("disabled");
        receiver.on(path).respond(400);
        insertWebhook(webhook, receiver.url(path), "s3cret", rule);
        produce(topics.input(), task, event(task, rule));
        String deliveryId = TopicReader.header(deadLetterOf(task), "idp-delivery-id");
        await().atMost(WAIT).until(() -> count("select count(*) from dead_letters where delivery_id = ?", deliveryId) == 1);

        // the re-push finds the webhook disabled: dead again with the same number of attempts made (1)
        jdbc.sql("update webhooks set enabled = false where id = ?").param(webhook).update();
        registry.refresh();
        assertThat(api.post("/api/v1/tasks/" + task + "/retry-push", null).status()).isEqualTo(200);

        await().atMost(WAIT).until(() -> count("""
                select count(*) from dead_letters
                 where delivery_id = ? and status = 'pending' and failure_reason like '%disabled%'""", deliveryId) == 1);
        assertThat(count("select count(*) from dead_letters where delivery_id = ? and status = 'pending'", deliveryId))
                .isEqualTo(1);

        // enabled and fixed: the operator can re-push it again, and it is delivered once
        jdbc.sql("update webhooks set enabled = true where id = ?").param(webhook).update();
        registry.refresh();
        receiver.on(path).respond(200);
        assertThat(api.post("/api/v1/tasks/" + task + "/retry-push", null).status()).isEqualTo(200);
        receiver.awaitRequests(path, 2, WAIT);
        await().atMost(WAIT).until(() -> count("select count(*) from push_logs where task_id = ? and success", task) == 1);
        assertThat(receiver.requests(path)).hasSize(2);
    }

    /** The delivery's DLQ record, as an operator would pick it up with kcat. */
    private ConsumerRecord<byte[], byte[]> deadLetterOf(String task) {
        return TopicReader.await(topics.dlq(), r -> task.equals(TopicReader.key(r)), 1, WAIT).get(0);
    }

    /**
     * Waits until the attempt-log sink has consumed everything produced before: a record with the task's key
     * (the same partition, so after the others) but for another task.
     */
    private void awaitSentinelOnAttempts(String task) {
        String sentinel = unique("T");
        produce(topics.attempts(), task, """
                {"attempt_id":"%s:1","task_id":"%s","webhook_id":"WH_X","delivery_id":"dlv_%s","retry_count":0,
                 "success":true,"outcome":"delivered","stage":"intake","created_at":"2026-01-01T00:00:00Z"}"""
                .formatted(sentinel, sentinel, sentinel));
        await().atMost(WAIT).until(() -> count("select count(*) from push_logs where task_id = ?", sentinel) == 1);
    }

    /** As {@link #awaitSentinelOnAttempts}, for the DLQ sink: a dead letter of the task for another webhook. */
    private void awaitSentinelOnDlq(String task) {
        String sentinel = unique("dlv");
        produce(topics.dlq(), task, """
                {"delivery_id":"%s","task_id":"%s","webhook_id":"WH_SENTINEL","event":{},"retry_count":0,"attempts":1,
                 "failure_reason":"sentinel","dead_at":"2026-01-01T00:00:00Z"}""".formatted(sentinel, task));
        await().atMost(WAIT).until(() -> count("select count(*) from dead_letters where delivery_id = ?", sentinel) == 1);
    }

    private long attemptRows(String task) {
        return count("select count(*) from push_logs where task_id = ? and not dead_lettered", task);
    }

    private long count(String sql, Object param) {
        return jdbc.sql(sql).param(param).query(Long.class).single();
    }
}
