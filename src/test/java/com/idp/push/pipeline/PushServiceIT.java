package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.idp.push.delivery.PushResult;
import com.idp.push.event.ParsedEvent;
import com.idp.push.event.TaskEvent;
import com.idp.push.event.TaskEventParser;
import com.idp.push.support.IntegrationTest;
import com.idp.push.webhook.Webhook;

/** The Java facade mirroring the seed API, against the real pipeline. */
class PushServiceIT extends IntegrationTest {

    @Autowired
    private PushService pushService;
    @Autowired
    private TaskEventParser parser;

    @Test
    void pushToWebhookMakesOneSignedAttemptAndReportsIt() {
        String rule = unique("R");
        String path = "/" + unique("facade");
        receiver.on(path).respond(201, java.util.Map.of(), "{\"received\":true}");
        Webhook webhook = webhook(path, rule);

        PushResult result = pushService.pushToWebhook(task(rule), webhook);

        assertThat(result.success()).isTrue();
        assertThat(result.httpStatus()).isEqualTo(201);
        assertThat(result.responseBody()).isEqualTo("{\"received\":true}");
        assertThat(result.errorMessage()).isNull();
        assertThat(result.durationMs()).isGreaterThanOrEqualTo(0);
        assertThat(receiver.requests(path)).hasSize(1);
        assertThat(receiver.requests(path).get(0).header("X-IDP-Signature")).startsWith("sha256=");
    }

    @Test
    void pushToWebhookDoesNotRetryAFailure() {
        String rule = unique("R");
        String path = "/" + unique("facade-fail");
        receiver.on(path).respond(503);
        Webhook webhook = webhook(path, rule);

        PushResult result = pushService.pushToWebhook(task(rule), webhook);

        assertThat(result.success()).isFalse();
        assertThat(result.httpStatus()).isEqualTo(503);
        assertThat(result.errorMessage()).isEqualTo("HTTP 503");
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
                .untilAsserted(() -> assertThat(receiver.requests(path)).hasSize(1));
    }

    @Test
    void pushWithRetryHandsARetryableFailureToTheDelayTopics() {
        String rule = unique("R");
        String path = "/" + unique("facade-retry");
        receiver.on(path).respondSequence(503, 200);
        Webhook webhook = webhook(path, rule);

        PushResult first = pushService.pushWithRetry(task(rule), webhook);

        assertThat(first.success()).isFalse();
        List<?> requests = receiver.awaitRequests(path, 2, Duration.ofSeconds(20));
        assertThat(requests).hasSize(2);
    }

    @Test
    void batchPushReturnsOneResultPerWebhookInOrder() {
        String rule = unique("R");
        String ok = "/" + unique("batch-ok");
        String gone = "/" + unique("batch-gone");
        receiver.on(gone).respond(410);

        List<PushResult> results = pushService.batchPush(task(rule), List.of(webhook(ok, rule), webhook(gone, rule)));

        assertThat(results).extracting(PushResult::httpStatus).containsExactly(200, 410);
        assertThat(results).extracting(PushResult::success).containsExactly(true, false);
    }

    private Webhook webhook(String path, String rule) {
        String id = unique("WH");
        insertWebhook(id, receiver.url(path), "s3cret", rule);
        return registry.find(id).orElseThrow();
    }

    private TaskEvent task(String rule) {
        ParsedEvent parsed = parser.parse(event(unique("T"), rule).getBytes(StandardCharsets.UTF_8));
        return ((ParsedEvent.Valid) parsed).event();
    }
}
