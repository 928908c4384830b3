package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.IntegrationTest;
import com.idp.push.support.TestInfrastructure;

/** The attempt-log and DLQ sinks, from the pipeline's topics into Postgres. */
class PushLogSinkIT extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    private PipelineTopics topics;
    @Autowired
    private PushLogSinks sinks;

    @Test
    void everyAttemptOfARetriedDeliveryIsLogged() {
        String rule = unique("R");
        String task = unique("T");
        String path = "/" + unique("flaky");
        receiver.on(path).respondSequence(503, 503, 200);
        insertWebhook(unique("WH"), receiver.url(path), "s3cret", rule);

        produce(topics.input(), task, event(task, rule));

        await().atMost(WAIT).until(() -> count("select count(*) from push_logs where task_id = ?", task) == 3);
        List<Map<String, Object>> rows = jdbc.sql("""
                select retry_count, http_status, success, outcome, request_headers::text as headers, request_body
                  from push_logs where task_id = ? order by created_at""").param(task).query().listOfRows();
        assertThat(rows).extracting(r -> r.get("retry_count")).containsExactly(0, 1, 2);
        assertThat(rows).extracting(r -> r.get("http_status")).containsExactly(503, 503, 200);
        assertThat(rows).extracting(r -> r.get("success")).containsExactly(false, false, true);
        assertThat(rows).extracting(r -> r.get("outcome")).containsExactly("retrying", "retrying", "delivered");
        assertThat((String) rows.get(0).get("headers")).contains("\"X-IDP-Signature\": \"***\"");
        assertThat((String) rows.get(0).get("request_body")).contains(task);
        assertThat(count("select count(*) from task_events where task_id = ?", task)).isEqualTo(1);
    }

    @Test
    void theSameAttemptRecordedTwiceIsOneRow() {
        String task = unique("T");
        String attempt = attemptJson(task, "dlv_same:1", "body");

        produce(topics.attempts(), task, attempt);
        produce(topics.attempts(), task, attempt);
        String marker = unique("T");
        produce(topics.attempts(), marker, attemptJson(marker, "dlv_" + marker + ":1", "after"));

        await().atMost(WAIT).until(() -> count("select count(*) from push_logs where task_id = ?", marker) == 1);
        assertThat(count("select count(*) from push_logs where task_id = ?", task)).isEqualTo(1);
    }

    @Test
    void aBadRowIsStoredCleanedOrSetAsideAndNeverBlocksTheOthers() {
        String withNul = unique("T");
        String unreadable = unique("T");
        String after = unique("T");

        produce(topics.attempts(), withNul, attemptJson(withNul, "dlv_" + withNul + ":1", "a\\u0000b"));
        produce(topics.attempts(), unreadable, "{not json");
        produce(topics.attempts(), after, attemptJson(after, "dlv_" + after + ":1", "fine"));

        await().atMost(WAIT).until(() -> count("select count(*) from push_logs where task_id = ?", after) == 1);
        assertThat(jdbc.sql("select request_body from push_logs where task_id = ?").param(withNul).query(String.class).single())
                .isEqualTo("a\uFFFDb");
        assertThat(jdbc.sql("select record_value from sink_rejects where source_topic = ? and record_value = ?")
                .params(topics.attempts(), "{not json".getBytes(StandardCharsets.UTF_8)).query().listOfRows()).hasSize(1);
    }

    @Test
    void aDeadLetterBecomesAPendingRowAndAMarkedLogRow() {
        String rule = unique("R");
        String task = unique("T");
        String path = "/" + unique("gone");
        String webhook = unique("WH");
        receiver.on(path).respond(410);
        insertWebhook(webhook, receiver.url(path), "s3cret", rule);

        produce(topics.input(), task, event(task, rule));

        await().atMost(WAIT).until(() -> count("select count(*) from dead_letters where task_id = ?", task) == 1);
        Map<String, Object> dead = jdbc.sql("""
                select webhook_id, status, failure_reason, last_http_status, retry_count, attempts
                  from dead_letters where task_id = ?""").param(task).query().singleRow();
        assertThat(dead).containsEntry("webhook_id", webhook).containsEntry("status", "pending")
                .containsEntry("failure_reason", "HTTP 410").containsEntry("last_http_status", 410)
                .containsEntry("retry_count", 0).containsEntry("attempts", 1);
        await().atMost(WAIT).until(() -> count("select count(*) from push_logs where task_id = ? and dead_lettered", task) == 1);
    }

    @Test
    void aDatabaseOutageLosesNothingAndDeliveryGoesOn() {
        String rule = unique("R");
        String path = "/" + unique("outage");
        insertWebhook(unique("WH"), receiver.url(path), "s3cret", rule);
        String key = unique("K");
        List<String> before = tasks(10);
        List<String> during = tasks(20);
        before.forEach(task -> produce(topics.input(), key + task, event(task, rule)));
        await().atMost(WAIT).until(() -> logged(before) == 10);

        TestInfrastructure.get().stopPostgres();
        try {
            during.forEach(task -> produce(topics.input(), key + task, event(task, rule)));
            receiver.awaitRequests(path, 30, WAIT); // delivered while the database is down
            await().atMost(WAIT).until(() -> sinks.pausedSinks().contains("attempt-log sink"));
        } finally {
            TestInfrastructure.get().startPostgres();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> logged(during) == 20);
        assertThat(sinks.pausedSinks()).isEmpty();
        assertThat(count("select count(*) from push_logs where task_id = any(?)", allOf(before, during)))
                .as("every attempt once, none twice").isEqualTo(30);
    }

    private List<String> tasks(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> unique("T")).toList();
    }

    private long logged(List<String> tasks) {
        return count("select count(distinct task_id) from push_logs where task_id = any(?)", tasks.toArray(String[]::new));
    }

    private static String[] allOf(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
    }

    private long count(String sql, Object param) {
        return jdbc.sql(sql).param(param).query(Long.class).single();
    }

    private static String attemptJson(String task, String attemptId, String requestBody) {
        return """
                {"attempt_id":"%s","task_id":"%s","webhook_id":"WH_X","delivery_id":"dlv_x","retry_count":0,
                 "http_status":200,"request_url":"http://127.0.0.1/x","request_headers":{"X-IDP-Attempt":"1"},
                 "request_body":"%s","response_headers":{},"response_body":"ok","duration_ms":3,"success":true,
                 "outcome":"delivered","error_message":null,"stage":"intake","created_at":"2026-01-01T00:00:00Z"}"""
                .formatted(attemptId, task, requestBody);
    }
}
