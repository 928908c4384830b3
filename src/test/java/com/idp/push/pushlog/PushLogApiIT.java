package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.ApiClient;
import com.idp.push.support.IntegrationTest;

import tools.jackson.databind.JsonNode;

/** The operator API over push logs and dead letters, on the real pipeline, Kafka and Postgres. */
class PushLogApiIT extends IntegrationTest {

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
    void everyAttemptOfADeliveryRetriedTwiceIsInItsPushLogs() {
        String rule = unique("R");
        String task = unique("T");
        String webhook = unique("WH");
        String path = "/" + unique("flaky");
        receiver.on(path).respondSequence(500, 503, 200);
        insertWebhook(webhook, receiver.url(path), "s3cret-signing", rule);

        produce(topics.input(), task, event(task, rule));

        await().atMost(WAIT).until(() -> api.get("/api/v1/tasks/" + task + "/push-logs").json().path("logs").size() == 3);
        JsonNode logs = api.get("/api/v1/tasks/" + task + "/push-logs").json().path("logs");
        assertThat(values(logs, "retry_count")).containsExactly("0", "1", "2");
        assertThat(values(logs, "http_status")).containsExactly("500", "503", "200");
        assertThat(values(logs, "success")).containsExactly("false", "false", "true");
        assertThat(values(logs, "outcome")).containsExactly("retrying", "retrying", "delivered");
        assertThat(logs.get(0).path("request_headers").path("X-IDP-Signature").asString()).isEqualTo("***");
        assertThat(logs.get(0).path("delivery_id").asString()).isEqualTo(logs.get(2).path("delivery_id").asString());

        JsonNode status = api.get("/api/v1/tasks/" + task + "/push-status").json().path("webhooks");
        assertThat(status).hasSize(1);
        assertThat(status.get(0).path("webhook_id").asString()).isEqualTo(webhook);
        assertThat(status.get(0).path("status").asString()).isEqualTo("delivered");
        assertThat(status.get(0).path("attempts").asInt()).isEqualTo(3);
        assertThat(status.get(0).path("last_http_status").asInt()).isEqualTo(200);
    }

    @Test
    void aDeadDeliveryIsListedRePushedOnceAndThenDelivered() {
        String rule = unique("R");
        String task = unique("T");
        String webhook = unique("WH");
        String path = "/" + unique("rejecting");
        receiver.on(path).respond(422); // non-retryable: dead at once
        insertWebhook(webhook, receiver.url(path), "s3cret-signing", rule);

        produce(topics.input(), task, event(task, rule));

        await().atMost(WAIT).until(() -> api.get("/api/v1/dlq?task_id=" + task).json().path("dead_letters").size() == 1);
        JsonNode dead = api.get("/api/v1/dlq?task_id=" + task).json().path("dead_letters").get(0);
        assertThat(dead.path("webhook_id").asString()).isEqualTo(webhook);
        assertThat(dead.path("last_http_status").asInt()).isEqualTo(422);
        assertThat(dead.path("status").asString()).isEqualTo("pending");
        assertThat(statusOf(task)).isEqualTo("dead");
        assertThat(api.get("/api/v1/dlq?webhook_id=" + webhook).json().path("dead_letters")).hasSize(1);

        receiver.on(path).respond(200); // the receiver is fixed; the operator re-pushes
        ApiClient.Response first = api.post("/api/v1/tasks/" + task + "/retry-push?webhook_id=" + webhook, null);
        ApiClient.Response second = api.post("/api/v1/tasks/" + task + "/retry-push", null);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("requeued")).hasSize(1);
        assertThat(first.json().path("requeued").get(0).path("status").asString()).isEqualTo("requeued");
        assertThat(second.status()).isEqualTo(404);
        assertThat(second.contentType()).startsWith("application/problem+json");
        await().atMost(WAIT).until(() -> "delivered".equals(statusOf(task)));
        assertThat(receiver.requests(path)).hasSize(2);
        assertThat(api.get("/api/v1/dlq?task_id=" + task).json().path("dead_letters")).isEmpty();
        JsonNode logs = api.get("/api/v1/tasks/" + task + "/push-logs").json().path("logs");
        assertThat(values(logs, "outcome")).containsExactly("dead", "dead", "delivered");
        assertThat(values(logs, "dead_lettered")).containsExactly("false", "true", "false");
    }

    @Test
    void retryPushWithoutPendingDeadLettersIs404() {
        ApiClient.Response response = api.post("/api/v1/tasks/" + unique("T") + "/retry-push", null);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("title").asString()).isEqualTo("Nothing to re-push");
    }

    @Test
    void statsEqualFiguresComputedByHandFromAFixture() {
        String webhook = unique("WH");
        Instant now = Instant.now();
        // delivery A: 500 (100 ms), 200 (300 ms); delivery B: 200 (200 ms); delivery C: timeout (1000 ms), 503 (400 ms) then dead
        row(webhook, "A", 0, 500, false, 100, now.minusSeconds(60), false);
        row(webhook, "A", 1, 200, true, 300, now.minusSeconds(50), false);
        row(webhook, "B", 0, 200, true, 200, now.minusSeconds(40), false);
        row(webhook, "C", 0, null, false, 1000, now.minusSeconds(30), false);
        row(webhook, "C", 1, 503, false, 400, now.minusSeconds(20), false);
        row(webhook, "C", 1, 503, false, 0, now.minusSeconds(10), true); // dead-letter marker: not an attempt
        row(webhook, "OLD", 0, 200, true, 5000, now.minusSeconds(3 * 3600), false); // outside a 2-hour window
        jdbc.sql("""
                insert into dead_letters (source_topic, source_partition, source_offset, delivery_id, task_id, webhook_id,
                    retry_count, attempts, dead_at, record_value)
                values ('fixture', 0, ?, 'C', 'T', ?, 1, 2, now(), '{}'::bytea)""")
                .params(System.nanoTime(), webhook).update();

        JsonNode stats = api.get("/api/v1/stats?hours=2&webhook_id=" + webhook).json();

        // by hand: 5 attempts, 2 successful, 2/5 = 0.4; (100+300+200+1000+400)/5 = 400 ms;
        // retry_count 0: A, B, C = 3, retry_count 1: A, C = 2; 3 deliveries, 2 delivered; 1 dead letter pending
        assertThat(stats.path("attempts").asLong()).isEqualTo(5);
        assertThat(stats.path("successful_attempts").asLong()).isEqualTo(2);
        assertThat(stats.path("success_rate").asDouble()).isEqualTo(0.4);
        assertThat(stats.path("avg_duration_ms").asDouble()).isEqualTo(400.0);
        assertThat(stats.path("retry_count_distribution").path("0").asLong()).isEqualTo(3);
        assertThat(stats.path("retry_count_distribution").path("1").asLong()).isEqualTo(2);
        assertThat(stats.path("deliveries").asLong()).isEqualTo(3);
        assertThat(stats.path("delivered_deliveries").asLong()).isEqualTo(2);
        assertThat(stats.path("dlq_size").asLong()).isEqualTo(1);
        assertThat(api.get("/api/v1/stats?hours=4&webhook_id=" + webhook).json().path("attempts").asLong()).isEqualTo(6);
    }

    @Test
    void outOfRangeParametersAreProblemsNamingTheParameter() {
        ApiClient.Response limit = api.get("/api/v1/dlq?limit=0");
        ApiClient.Response hours = api.get("/api/v1/stats?hours=abc");

        assertThat(limit.status()).isEqualTo(400);
        assertThat(limit.contentType()).startsWith("application/problem+json");
        assertThat(limit.json().path("parameter").asString()).isEqualTo("limit");
        assertThat(hours.status()).isEqualTo(400);
        assertThat(hours.contentType()).startsWith("application/problem+json");
    }

    @Test
    void everyCallNeedsTheToken() {
        ApiClient anonymous = api.withoutToken();

        assertThat(anonymous.get("/api/v1/tasks/T/push-logs").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/tasks/T/push-status").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/dlq").status()).isEqualTo(401);
        assertThat(anonymous.post("/api/v1/tasks/T/retry-push", null).status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/stats").status()).isEqualTo(401);
    }

    private String statusOf(String task) {
        JsonNode webhooks = api.get("/api/v1/tasks/" + task + "/push-status").json().path("webhooks");
        return webhooks.isEmpty() ? null : webhooks.get(0).path("status").asString();
    }

    private void row(String webhook, String delivery, int retryCount, Integer status, boolean success, long durationMs,
            Instant at, boolean deadLettered) {
        jdbc.sql("""
                insert into push_logs (attempt_id, task_id, webhook_id, delivery_id, retry_count, http_status, duration_ms,
                    success, outcome, dead_lettered, created_at)
                values (?, 'T_FIXTURE', ?, ?, ?, ?, ?, ?, 'fixture', ?, ?)""")
                .params(unique("fixture"), webhook, delivery, retryCount, status, durationMs, success, deadLettered,
                        Timestamp.from(at))
                .update();
    }

    private static List<String> values(JsonNode rows, String field) {
        List<String> values = new ArrayList<>();
        rows.forEach(row -> values.add(row.path(field).asString()));
        return values;
    }
}
