package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.idp.push.support.IntegrationTest;
import com.idp.push.support.ReceivedRequest;
import com.idp.push.support.SignatureVerifier;
import com.idp.push.support.TopicReader;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The pipeline end to end: real broker, real Postgres, real HTTP receiver on loopback. */
class DeliveryPipelineIT extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    private PipelineTopics topics;
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void deliversOnTheFirstAttemptWithEveryHeaderAndVerifiableSignatures() {
        String rule = unique("R");
        String task = unique("T");
        String path = "/" + unique("ok");
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        insertWebhook(unique("WH"), receiver.url(path), secret, List.of(rule), "bearer", "{\"token\":\"tok-123\"}",
                null, "{\"X-Tenant\":\"acme\",\"X-IDP-Signature\":\"forged\"}", null);

        produce(topics.input(), task, event(task, rule));

        ReceivedRequest request = receiver.awaitRequests(path, 1, WAIT).get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("User-Agent")).isEqualTo("Enterprise IDP Platform/1.0.0");
        assertThat(request.header("X-IDP-Task-Id")).isEqualTo(task);
        assertThat(request.header("X-IDP-Attempt")).isEqualTo("1");
        assertThat(request.header("X-IDP-Delivery-Id")).startsWith("dlv_").isEqualTo(request.header("webhook-id"));
        assertThat(request.header("X-IDP-Timestamp")).isEqualTo(request.header("webhook-timestamp"));
        assertThat(Long.parseLong(request.header("X-IDP-Timestamp")))
                .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
        assertThat(request.header("Authorization")).isEqualTo("Bearer tok-123");
        assertThat(request.header("X-Tenant")).isEqualTo("acme");
        assertThat(SignatureVerifier.idpSignatureValid(secret, request)).as("X-IDP-Signature").isTrue();
        assertThat(SignatureVerifier.standardSignatureValid(secret, request)).as("webhook-signature").isTrue();
        assertThat(SignatureVerifier.idpSignatureValid("whsec_other", request)).isFalse();

        JsonNode body = json.readTree(request.body());
        assertThat(body.get("event").asString()).isEqualTo("task.completed");
        assertThat(body.get("task_id").asString()).isEqualTo(task);
        assertThat(body.get("rule_id").asString()).isEqualTo(rule);
        assertThat(body.get("delivery_id").asString()).isEqualTo(request.header("X-IDP-Delivery-Id"));
        assertThat(body.get("result_json").get("invoice_no").asString()).isEqualTo("INV-1");
        assertThat(body.get("meta_info").get("customer").asString()).isEqualTo("ACME");
        assertThat(body.get("file_url").asString()).endsWith(task + ".pdf");
        assertThat(body.get("completed_at").asString()).isEqualTo("2025-12-14T10:00:00Z");

        ConsumerRecord<byte[], byte[]> logged = TopicReader.await(topics.attempts(),
                r -> task.equals(TopicReader.key(r)), 1, WAIT).get(0);
        JsonNode attempt = json.readTree(logged.value());
        assertThat(attempt.get("success").asBoolean()).isTrue();
        assertThat(attempt.get("outcome").asString()).isEqualTo("delivered");
        assertThat(attempt.get("retry_count").asInt()).isZero();
        assertThat(attempt.get("http_status").asInt()).isEqualTo(200);
        assertThat(attempt.get("request_headers").get("Authorization").asString()).isEqualTo("***");
        assertThat(attempt.get("request_headers").get("X-IDP-Signature").asString()).isEqualTo("***");
        assertThat(attempt.get("request_body_json")).isEqualTo(json.readTree(request.bodyText()));
        assertThat(new String(logged.value(), StandardCharsets.UTF_8)).doesNotContain("tok-123");
    }

    @Test
    void retriesThroughTheDelayTopicsAndNeverBeforeDue() {
        String rule = unique("R");
        String task = unique("T");
        String path = "/" + unique("flaky");
        receiver.on(path).respondSequence(503, 503, 200);
        String webhook = unique("WH");
        insertWebhook(webhook, receiver.url(path), "s3cret", rule);

        produce(topics.input(), task, event(task, rule));

        List<ReceivedRequest> requests = receiver.awaitRequests(path, 3, WAIT);
        assertThat(requests).extracting(r -> r.header("X-IDP-Attempt")).containsExactly("1", "2", "3");
        assertThat(requests).extracting(r -> r.header("X-IDP-Delivery-Id")).containsOnly(requests.get(0).header("X-IDP-Delivery-Id"));
        assertThat(requests).extracting(ReceivedRequest::bodyText).containsOnly(requests.get(0).bodyText());
        assertThat(gap(requests, 0, 1)).as("first retry waits the first delay").isGreaterThanOrEqualTo(Duration.ofMillis(1000));
        assertThat(gap(requests, 1, 2)).as("second retry waits the second delay").isGreaterThanOrEqualTo(Duration.ofMillis(2000));

        List<ConsumerRecord<byte[], byte[]>> attempts = TopicReader.await(topics.attempts(),
                r -> task.equals(TopicReader.key(r)) && webhook.equals(json.readTree(r.value()).get("webhook_id").asString()),
                3, WAIT);
        assertThat(attempts).extracting(r -> json.readTree(r.value()).get("retry_count").asInt()).containsExactly(0, 1, 2);
        assertThat(attempts).extracting(r -> json.readTree(r.value()).get("outcome").asString())
                .containsExactly("retrying", "retrying", "delivered");
        assertThat(receiver.requests(path)).hasSize(3);
    }

    @Test
    void aClientErrorGoesStraightToTheDlq() {
        String rule = unique("R");
        String task = unique("T");
        String path = "/" + unique("bad");
        String webhook = unique("WH");
        receiver.on(path).respond(400);
        insertWebhook(webhook, receiver.url(path), "s3cret", rule);

        produce(topics.input(), task, event(task, rule));

        ConsumerRecord<byte[], byte[]> dead = TopicReader.await(topics.dlq(), r -> task.equals(TopicReader.key(r)), 1, WAIT).get(0);
        JsonNode value = json.readTree(dead.value());
        assertThat(value.get("retry_count").asInt()).isZero();
        assertThat(value.get("failure_reason").asString()).isEqualTo("HTTP 400");
        assertThat(value.get("last_http_status").asInt()).isEqualTo(400);
        assertThat(value.get("webhook_id").asString()).isEqualTo(webhook);
        assertThat(value.get("event").get("task_id").asString()).isEqualTo(task);
        assertThat(TopicReader.header(dead, "idp-failure-reason")).isEqualTo("HTTP 400");
        assertThat(receiver.requests(path)).hasSize(1);
    }

    @Test
    void alwaysFailingGoesToTheDlqAfterThreeRetriesAndReplayDeliversIt() {
        String rule = unique("R");
        String task = unique("T");
        String path = "/" + unique("down");
        receiver.on(path).respond(500);
        insertWebhook(unique("WH"), receiver.url(path), "s3cret", rule);

        produce(topics.input(), task, event(task, rule));

        ConsumerRecord<byte[], byte[]> dead = TopicReader.await(topics.dlq(), r -> task.equals(TopicReader.key(r)), 1,
                Duration.ofSeconds(40)).get(0);
        JsonNode value = json.readTree(dead.value());
        assertThat(value.get("retry_count").asInt()).isEqualTo(3);
        assertThat(value.get("failure_reason").asString()).isEqualTo("HTTP 500");
        assertThat(value.get("first_attempt_at").asString()).isNotBlank();
        assertThat(value.get("dead_at").asString()).isNotBlank();
        assertThat(TopicReader.header(dead, "idp-retry-count")).isEqualTo("3");
        List<ReceivedRequest> failed = receiver.requests(path);
        assertThat(failed).hasSize(4);

        // The operator fixes the receiver and replays the DLQ record unchanged, key and value only.
        receiver.on(path).respond(200);
        produce(topics.replay(), dead.key(), dead.value());

        List<ReceivedRequest> all = receiver.awaitRequests(path, 5, WAIT);
        ReceivedRequest replayed = all.get(4);
        assertThat(replayed.header("X-IDP-Delivery-Id")).isEqualTo(failed.get(0).header("X-IDP-Delivery-Id"));
        assertThat(replayed.header("X-IDP-Attempt")).isEqualTo("5");
        assertThat(replayed.bodyText()).isEqualTo(failed.get(0).bodyText());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(receiver.requests(path)).hasSize(5));
    }

    @Test
    void invalidEventsGoToTheInvalidTopicWhileValidOnesBehindThemAreDelivered() {
        String rule = unique("R");
        String path = "/" + unique("behind");
        insertWebhook(unique("WH"), receiver.url(path), "s3cret", rule);
        String key = unique("K"); // one key: all on one partition, the invalid ones first
        List<String> invalid = List.of("not json", "{\"task_id\":\"T\"}", "{\"task_id\":1,\"rule_id\":\"R\",\"result_json\":{}}", "");

        for (String value : invalid) {
            produce(topics.input(), key, value);
        }
        produce(topics.input(), key.getBytes(StandardCharsets.UTF_8), null);
        String task = unique("T");
        produce(topics.input(), key, event(task, rule));

        assertThat(receiver.awaitRequests(path, 1, WAIT).get(0).header("X-IDP-Task-Id")).isEqualTo(task);
        List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.await(topics.invalid(), r -> key.equals(TopicReader.key(r)), 5, WAIT);
        assertThat(copies).extracting(r -> TopicReader.header(r, "idp-invalid-reason"))
                .containsExactly("invalid-json", "missing-field", "wrong-type", "empty-value", "null-value");
        assertThat(copies.get(0).value()).isEqualTo("not json".getBytes(StandardCharsets.UTF_8));
        assertThat(copies.get(4).value()).isNull();
        assertThat(TopicReader.header(copies.get(1), "idp-invalid-detail")).contains("result_json is required");
        assertThat(TopicReader.header(copies.get(0), "idp-source-topic")).isEqualTo(topics.input());
    }

    @Test
    void whenOneOfTwoWebhooksFailsTheOtherReceivesExactlyOneRequest() {
        String rule = unique("R");
        String task = unique("T");
        String good = "/" + unique("good");
        String bad = "/" + unique("bad");
        receiver.on(bad).respond(500);
        insertWebhook(unique("WH"), receiver.url(good), "s1", rule);
        insertWebhook(unique("WH"), receiver.url(bad), "s2", rule);

        produce(topics.input(), task, event(task, rule));

        receiver.awaitRequests(bad, 4, Duration.ofSeconds(40));
        TopicReader.await(topics.dlq(), r -> task.equals(TopicReader.key(r)), 1, WAIT);
        assertThat(receiver.requests(good)).hasSize(1);
    }

    @Test
    void aFannedOutEventTravelsInOneAttemptLogAndIsStoredForItsTask() {
        String rule = unique("R");
        String task = unique("T");
        String path = "/" + unique("fan");
        for (int i = 0; i < 3; i++) {
            insertWebhook(unique("WH"), receiver.url(path), "s" + i, rule);
        }

        produce(topics.input(), task, event(task, rule));

        List<JsonNode> logs = TopicReader.await(topics.attempts(), r -> task.equals(TopicReader.key(r)), 3, WAIT).stream()
                .map(r -> json.readTree(r.value())).toList();
        assertThat(logs).extracting(log -> log.get("outcome").asString()).containsOnly("delivered");
        assertThat(logs).filteredOn(log -> log.hasNonNull("event")).as("attempt logs carrying the event").hasSize(1)
                .allSatisfy(log -> assertThat(log.get("event").get("task_id").asString()).isEqualTo(task));
        await("the task's event stored by the log sink").atMost(WAIT).untilAsserted(() -> assertThat(
                jdbc.sql("select event from task_events where task_id = ?").param(task).query(String.class).optional())
                .hasValueSatisfying(stored -> assertThat(json.readTree(stored).get("rule_id").asString()).isEqualTo(rule)));
    }

    @Test
    void anAttemptTheOpenBreakerRefusesBuildsNoRequest() throws Exception {
        String rule = unique("R");
        String webhook = unique("WH");
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // nothing listens there once closed: each attempt's connection is refused
        }
        insertWebhook(webhook, "http://127.0.0.1:" + closedPort + "/refused", "s1", rule);
        List<String> tasks = IntStream.range(0, 30).mapToObj(i -> unique("T")).toList();

        tasks.forEach(task -> produce(topics.input(), task, event(task, rule)));

        List<JsonNode> logs = TopicReader.await(topics.attempts(),
                r -> tasks.contains(TopicReader.key(r)) && "intake".equals(json.readTree(r.value()).get("stage").asString()),
                tasks.size(), WAIT).stream().map(r -> json.readTree(r.value())).toList();
        List<JsonNode> refused = logs.stream()
                .filter(log -> log.get("error_message").asString().startsWith("circuit open")).toList();
        assertThat(refused).as("first attempts refused once the breaker opened (after 20 refused connections)").isNotEmpty();
        assertThat(refused).allSatisfy(log -> {
            assertThat(log.get("request_headers").isEmpty()).as("headers of a request never built").isTrue();
            assertThat(log.get("request_body").isNull()).as("body of a request never built").isTrue();
            assertThat(log.hasNonNull("request_body_json")).isFalse();
        });
        assertThat(logs).filteredOn(log -> log.get("error_message").asString().startsWith("connection"))
                .as("attempts that were sent").isNotEmpty()
                .allSatisfy(log -> assertThat(log.get("request_headers").get("X-IDP-Delivery-Id")).isNotNull());
    }

    @Test
    void aHangingWebhookDoesNotDelayAnotherWebhooksDeliveries() {
        String hangingRule = unique("R");
        String fastRule = unique("R");
        String hanging = "/" + unique("hang");
        String fast = "/" + unique("fast");
        receiver.on(hanging).hang();
        insertWebhook(unique("WH"), receiver.url(hanging), "s1", hangingRule);
        insertWebhook(unique("WH"), receiver.url(fast), "s2", fastRule);
        String key = unique("K"); // same partition: the hanging delivery is ahead of the fast ones

        produce(topics.input(), key, event(unique("T"), hangingRule));
        receiver.awaitRequests(hanging, 1, WAIT);
        for (int i = 0; i < 5; i++) {
            long producedAt = System.currentTimeMillis();
            produce(topics.input(), key, event(unique("T"), fastRule));
            ReceivedRequest arrived = receiver.awaitRequests(fast, i + 1, WAIT).get(i);
            assertThat(arrived.receivedAt().toEpochMilli() - producedAt)
                    .as("delivery %d behind a hanging one", i).isLessThan(500);
        }
    }

    @Test
    void manyDeliveriesOfOnePartitionAreInFlightAtOnce() {
        String rule = unique("R");
        String path = "/" + unique("slow");
        receiver.on(path).delay(Duration.ofMillis(500));
        insertWebhook(unique("WH"), receiver.url(path), "s3cret", rule);
        String key = unique("K"); // one partition: a one-at-a-time consumer would need 50 x 500 ms

        long started = System.currentTimeMillis();
        for (int i = 0; i < 50; i++) {
            produce(topics.input(), key, event(unique("T"), rule));
        }
        List<ReceivedRequest> requests = receiver.awaitRequests(path, 50, WAIT);
        long lastArrival = requests.stream().mapToLong(r -> r.receivedAt().toEpochMilli()).max().orElseThrow();
        assertThat(lastArrival - started).as("50 slow deliveries of one partition overlap").isLessThan(5_000);
    }

    @Test
    void retryAfterMovesTheNextAttemptLater() {
        String rule = unique("R");
        String task = unique("T");
        String path = "/" + unique("busy");
        receiver.on(path).respond(429, Map.of("Retry-After", "3"), "slow down");
        insertWebhook(unique("WH"), receiver.url(path), "s3cret", rule);

        produce(topics.input(), task, event(task, rule));
        receiver.awaitRequests(path, 1, WAIT);
        receiver.on(path).respond(200);

        List<ReceivedRequest> requests = receiver.awaitRequests(path, 2, WAIT);
        assertThat(gap(requests, 0, 1)).as("Retry-After: 3 beats the 1 s delay").isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void webhookChangesAreSeenWithinSeconds() {
        String rule = unique("R");
        String path = "/" + unique("toggle");
        String webhook = unique("WH");
        insertWebhook(webhook, receiver.url(path), "s3cret", rule);
        jdbc.sql("update webhooks set enabled = false where id = ?").param(webhook).update();
        // no explicit refresh: the registry notices the change by itself
        await().atMost(Duration.ofSeconds(5)).until(() -> !registry.find(webhook).orElseThrow().enabled());

        produce(topics.input(), unique("T"), event(unique("T"), rule));
        String task = unique("T");
        jdbc.sql("update webhooks set enabled = true where id = ?").param(webhook).update();
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.find(webhook).orElseThrow().enabled());
        produce(topics.input(), task, event(task, rule));

        assertThat(receiver.awaitRequests(path, 1, WAIT).get(0).header("X-IDP-Task-Id")).isEqualTo(task);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(receiver.requests(path)).hasSize(1));
    }

    @Test
    void wildcardRulesAndTheWebhookIdsFilterSelectTheWebhooks() {
        String rule = unique("R");
        String all = "/" + unique("all");
        String chosen = "/" + unique("chosen");
        String skipped = "/" + unique("skipped");
        String allId = unique("WH");
        String chosenId = unique("WH");
        insertWebhook(allId, receiver.url(all), "s", "*");
        insertWebhook(chosenId, receiver.url(chosen), "s", rule);
        insertWebhook(unique("WH"), receiver.url(skipped), "s", rule);
        String task = unique("T");
        String filtered = event(task, rule).replaceFirst("\\{", "{\"webhook_ids\":[\"" + chosenId + "\",\"WH_UNKNOWN\"],");

        produce(topics.input(), task, filtered);

        assertThat(receiver.awaitRequests(chosen, 1, WAIT)).hasSize(1);
        String other = unique("T");
        produce(topics.input(), other, event(other, unique("R")));
        assertThat(receiver.awaitRequests(all, 1, WAIT).get(0).header("X-IDP-Task-Id"))
                .as("a * webhook gets events of every rule, but the filtered event was not for it").isEqualTo(other);
        assertThat(receiver.requests(skipped)).isEmpty();
        jdbc.sql("delete from webhooks where id = ?").param(allId).update(); // keep * from reaching other tests
        registry.refresh();
    }

    @Test
    void aTemplateShapesTheBody() {
        String rule = unique("R");
        String task = unique("T");
        String path = "/" + unique("templated");
        insertWebhook(unique("WH"), receiver.url(path), "s3cret", List.of(rule), "api_key",
                "{\"key_name\":\"X-API-Key\",\"key_value\":\"k-1\"}",
                "{\"id\":\"{{task_id}}\",\"customer\":\"{{meta_info.customer}}\",\"data\":{{result_json}}}", "{}", null);
        String hostile = event(task, rule).replace("\"ACME\"", "\"ACME\\\"}, \\\"x\\\": {\\\"\"");

        produce(topics.input(), task, hostile);

        ReceivedRequest request = receiver.awaitRequests(path, 1, WAIT).get(0);
        JsonNode body = json.readTree(request.body());
        assertThat(body.propertyNames()).containsExactly("id", "customer", "data");
        assertThat(body.get("customer").asString()).isEqualTo("ACME\"}, \"x\": {\"");
        assertThat(body.get("data").get("amount").asDouble()).isEqualTo(12.5);
        assertThat(request.header("X-API-Key")).isEqualTo("k-1");
    }

    @Test
    void aTemplateThatRendersOverTheBodyCapIsDeadLetteredWithoutARetry() {
        String rule = unique("R");
        String task = unique("T");
        String path = "/" + unique("overcap");
        String webhook = unique("WH");
        // Linear, so accepted when saved, but 2,500 elements of ~520 bytes are more than the 1 MiB cap.
        insertWebhook(webhook, receiver.url(path), "s3cret", List.of(rule), "none", "{}",
                "[{{#result_json.items}}{\"n\": {{.}}, \"pad\": \"" + "p".repeat(500) + "\"},{{/result_json.items}}null]",
                "{}", null);
        String items = IntStream.range(0, 2_500).mapToObj(Integer::toString).collect(Collectors.joining(","));
        produce(topics.input(), task, event(task, rule).replace("\"amount\":12.5", "\"amount\":12.5,\"items\":[" + items + "]"));

        ConsumerRecord<byte[], byte[]> dead = TopicReader.await(topics.dlq(), r -> task.equals(TopicReader.key(r)), 1, WAIT).get(0);
        assertThat(TopicReader.header(dead, "idp-webhook-id")).isEqualTo(webhook);
        assertThat(TopicReader.header(dead, "idp-failure-reason")).startsWith("template error:")
                .contains("larger than 1048576 bytes", "raise idp.push.templates.max-body-bytes");
        assertThat(TopicReader.header(dead, "idp-retry-count")).isEqualTo("0");
        // past the first retry delay (1 s): still one attempt, dead at once, nothing sent
        List<ConsumerRecord<byte[], byte[]>> attempts = TopicReader.readAll(topics.attempts(),
                r -> task.equals(TopicReader.key(r)), Duration.ofSeconds(3));
        assertThat(attempts).singleElement()
                .satisfies(r -> assertThat(json.readTree(r.value()).get("outcome").asString()).isEqualTo("dead"));
        assertThat(receiver.requests(path)).isEmpty();
    }

    private static Duration gap(List<ReceivedRequest> requests, int from, int to) {
        return Duration.between(requests.get(from).receivedAt(), requests.get(to).receivedAt());
    }
}
