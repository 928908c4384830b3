package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.idp.push.support.IntegrationTest;
import com.idp.push.support.ReceivedRequest;
import com.idp.push.support.TopicReader;

/**
 * Poison input on every topic the engine consumes. Each poison record is followed by a valid record with
 * the same key (so on the same partition, behind it): the valid one must be delivered, which proves the
 * poison neither crashed nor stalled the consumer, and each poison record must be in the invalid topic
 * with the documented reason code. DeliveryPipelineIT covers the basic input cases (not JSON, missing
 * field, wrong type, empty, tombstone); this class covers the rest and the delay and replay topics.
 */
class PoisonInputIT extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @Autowired
    private PipelineTopics topics;

    /** A poison value (null = tombstone) and the reason code it must be copied with. */
    private record Poison(String name, byte[] value, String reason) {
        static Poison of(String name, String value, String reason) {
            return new Poison(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8), reason);
        }
    }

    @Test
    void everyKindOfPoisonOnTheInputTopicIsSetAsideAndTheEventBehindItIsDelivered() {
        String rule = unique("R");
        String path = "/" + unique("behind-input");
        insertWebhook(unique("WH"), receiver.url(path), "s3cret", rule);
        String key = unique("K");
        List<Poison> poisons = List.of(
                new Poison("invalid UTF-8", concat("{\"task_id\":\"T\",\"rule_id\":\"", new byte[] {(byte) 0xC3, (byte) 0x28},
                        "\",\"result_json\":{}}"), "invalid-utf8"),
                new Poison("raw NUL bytes", concat("{\"task_id\":\"T\",", new byte[] {0, 0}, "\"rule_id\":\"R\"}"), "invalid-json"),
                Poison.of("escaped NUL in task_id", event("T\\u0000X", rule), "wrong-type"),
                Poison.of("CRLF in rule_id (header smuggling)", event("T_OK", "R\\r\\nX-Evil: 1"), "wrong-type"),
                Poison.of("nested 100,000 deep", "{\"task_id\":\"T\",\"rule_id\":\"R\",\"result_json\":"
                        + "[".repeat(100_000) + "]".repeat(100_000) + "}", "invalid-json"),
                Poison.of("nested 250 deep (over the documented 200)", "{\"task_id\":\"T\",\"rule_id\":\"R\",\"result_json\":{\"a\":"
                        + "[".repeat(248) + "]".repeat(248) + "}}", "invalid-json"),
                Poison.of("JSON array, not an object", "[1,2,3]", "invalid-json"),
                Poison.of("JSON null literal", "null", "invalid-json"),
                Poison.of("trailing garbage", event("T", rule) + " }{", "invalid-json"),
                Poison.of("number of 5,000 digits", "{\"task_id\":\"T\",\"rule_id\":\"R\",\"result_json\":{\"n\":"
                        + "9".repeat(5_000) + "}}", "invalid-json"),
                Poison.of("result_json a string", "{\"task_id\":\"T\",\"rule_id\":\"R\",\"result_json\":\"{}\"}", "wrong-type"),
                Poison.of("webhook_ids not an array", "{\"task_id\":\"T\",\"rule_id\":\"R\",\"result_json\":{},\"webhook_ids\":\"WH\"}",
                        "wrong-type"),
                Poison.of("blank task_id", "{\"task_id\":\"  \",\"rule_id\":\"R\",\"result_json\":{}}", "wrong-type"),
                Poison.of("only whitespace", "   \n\t ", "invalid-json"));

        for (Poison poison : poisons) {
            produce(topics.input(), bytes(key), poison.value());
        }
        String task = unique("T");
        produce(topics.input(), key, event(task, rule));

        assertThat(receiver.awaitRequests(path, 1, WAIT)).extracting(r -> r.header("X-IDP-Task-Id")).containsExactly(task);
        assertSetAside(key, topics.input(), poisons);
    }

    @Test
    void eventsThatAreValidButUnusualAreHandledAsDocumented() {
        String rule = unique("R");
        String path = "/" + unique("unusual");
        String webhook = unique("WH");
        insertWebhook(webhook, receiver.url(path), "s3cret", rule);
        String key = unique("K");

        // unknown webhook ids are ignored: an event naming only unknown ones goes nowhere, and is not invalid
        String unknownOnly = unique("T");
        produce(topics.input(), key, withWebhookIds(unknownOnly, rule, "\"WH_DOES_NOT_EXIST\""));
        String mixed = unique("T");
        produce(topics.input(), key, withWebhookIds(mixed, rule, "\"WH_DOES_NOT_EXIST\",\"" + webhook + "\""));
        // an event close to the broker's default 1 MiB record limit is delivered whole
        String large = unique("T");
        String filler = "x".repeat(1_000_000);
        produce(topics.input(), key, "{\"task_id\":\"%s\",\"rule_id\":\"%s\",\"result_json\":{\"blob\":\"%s\"}}"
                .formatted(large, rule, filler));
        // unknown fields, unicode and a JSON-escaped NUL inside the result are fine: only ids are restricted
        String odd = unique("T");
        produce(topics.input(), key, "{\"task_id\":\"%s\",\"rule_id\":\"%s\",\"result_json\":{\"s\":\"a\\u0000b 中文 \uD83D\uDE00\"},\"x_unknown\":[1]}"
                .formatted(odd, rule));

        List<ReceivedRequest> got = receiver.awaitRequests(path, 3, WAIT);
        assertThat(got).extracting(r -> r.header("X-IDP-Task-Id")).containsExactlyInAnyOrder(mixed, large, odd);
        assertThat(byTask(got, large).body().length).isGreaterThan(1_000_000);
        assertThat(byTask(got, odd).bodyText()).contains("a\\u0000b 中文 \uD83D\uDE00");
        // none of them is invalid
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(receiver.requests(path)).hasSize(3));
        assertThat(TopicReader.readAll(topics.invalid(), r -> key.equals(TopicReader.key(r)), Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void poisonOnADelayTopicIsSetAsideAndTheRetryBehindItIsAttempted() {
        String rule = unique("R");
        String path = "/" + unique("behind-delay");
        String webhook = unique("WH");
        insertWebhook(webhook, receiver.url(path), "s3cret", rule);
        String key = unique("K");
        String delayTopic = topics.retryPolicy().topics().get(0);
        String event = event(key, rule);
        List<Poison> poisons = List.of(
                Poison.of("not JSON", "retry me", "invalid-json"),
                Poison.of("tombstone", null, "null-value"),
                Poison.of("empty", "", "empty-value"),
                new Poison("invalid UTF-8", concat("{\"delivery_id\":\"", new byte[] {(byte) 0xFF}, "\"}"), "invalid-json"),
                Poison.of("no delivery_id", "{\"webhook_id\":\"%s\",\"event\":%s}".formatted(webhook, event), "missing-field"),
                Poison.of("no event", "{\"delivery_id\":\"D\",\"webhook_id\":\"%s\"}".formatted(webhook), "invalid-json"),
                Poison.of("invalid event inside", "{\"delivery_id\":\"D\",\"webhook_id\":\"%s\",\"event\":{\"task_id\":7}}"
                        .formatted(webhook), "wrong-type"),
                Poison.of("first_attempt_at not a time", "{\"delivery_id\":\"D\",\"webhook_id\":\"%s\",\"first_attempt_at\":\"yesterday\",\"event\":%s}"
                        .formatted(webhook, event), "wrong-type"),
                Poison.of("nested 100,000 deep", "{\"delivery_id\":\"D\",\"event\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}",
                        "invalid-json"));

        Header dueNow = dueAt(System.currentTimeMillis());
        for (Poison poison : poisons) {
            produce(delayTopic, bytes(key), poison.value(), dueNow, new RecordHeader("idp-due-at", bytes("garbage")));
        }
        String delivery = unique("D");
        produce(delayTopic, key, "{\"delivery_id\":\"%s\",\"webhook_id\":\"%s\",\"attempt\":2,\"retry\":1,\"event\":%s}"
                .formatted(delivery, webhook, event), dueNow);

        ReceivedRequest retried = receiver.awaitRequests(path, 1, WAIT).get(0);
        assertThat(retried.header("X-IDP-Delivery-Id")).isEqualTo(delivery);
        assertThat(retried.header("X-IDP-Attempt")).isEqualTo("2");
        assertSetAside(key, delayTopic, poisons);
    }

    @Test
    void poisonOnTheReplayTopicIsSetAsideOrDeadLetteredAndTheReplayBehindItIsDelivered() {
        String rule = unique("R");
        String path = "/" + unique("behind-replay");
        String webhook = unique("WH");
        insertWebhook(webhook, receiver.url(path), "s3cret", rule);
        String key = unique("K");
        String event = event(key, rule);
        List<Poison> poisons = List.of(
                Poison.of("not JSON", "<dlq/>", "invalid-json"),
                Poison.of("tombstone", null, "null-value"),
                Poison.of("empty", "", "empty-value"),
                Poison.of("no webhook_id", "{\"delivery_id\":\"D\",\"event\":%s}".formatted(event), "missing-field"),
                Poison.of("event missing its rule", "{\"webhook_id\":\"%s\",\"event\":{\"task_id\":\"T\",\"result_json\":{}}}"
                        .formatted(webhook), "missing-field"),
                Poison.of("a JSON string", "\"replay\"", "invalid-json"));
        for (Poison poison : poisons) {
            produce(topics.replay(), bytes(key), poison.value());
        }
        // A DLQ record of a webhook that no longer exists is readable: it is dead-lettered again, with that reason.
        String orphan = unique("D");
        produce(topics.replay(), key, "{\"delivery_id\":\"%s\",\"webhook_id\":\"WH_GONE_%s\",\"event\":%s,\"attempts\":4}"
                .formatted(orphan, key, event));
        String delivery = unique("D");
        produce(topics.replay(), key, "{\"delivery_id\":\"%s\",\"webhook_id\":\"%s\",\"event\":%s,\"attempts\":4}"
                .formatted(delivery, webhook, event));

        ReceivedRequest replayed = receiver.awaitRequests(path, 1, WAIT).get(0);
        assertThat(replayed.header("X-IDP-Delivery-Id")).isEqualTo(delivery);
        assertThat(replayed.header("X-IDP-Attempt")).isEqualTo("5");
        assertSetAside(key, topics.replay(), poisons);
        ConsumerRecord<byte[], byte[]> dead = TopicReader.await(topics.dlq(),
                r -> orphan.equals(TopicReader.header(r, "idp-delivery-id")), 1, WAIT).get(0);
        assertThat(TopicReader.header(dead, "idp-failure-reason")).contains("no longer exists");
    }

    /** Each poison record is in the invalid topic, unchanged, in order, with its reason and its source. */
    private void assertSetAside(String key, String sourceTopic, List<Poison> poisons) {
        List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.await(topics.invalid(),
                r -> key.equals(TopicReader.key(r)), poisons.size(), WAIT);
        assertThat(copies).hasSize(poisons.size());
        for (int i = 0; i < poisons.size(); i++) {
            Poison poison = poisons.get(i);
            ConsumerRecord<byte[], byte[]> copy = copies.get(i);
            assertThat(TopicReader.header(copy, "idp-invalid-reason")).as(poison.name()).isEqualTo(poison.reason());
            assertThat(TopicReader.header(copy, "idp-invalid-detail")).as(poison.name()).isNotBlank();
            assertThat(TopicReader.header(copy, "idp-source-topic")).as(poison.name()).isEqualTo(sourceTopic);
            assertThat(copy.value()).as(poison.name()).isEqualTo(poison.value());
        }
    }

    private static ReceivedRequest byTask(List<ReceivedRequest> requests, String task) {
        return requests.stream().filter(r -> task.equals(r.header("X-IDP-Task-Id"))).findFirst().orElseThrow();
    }

    private static String withWebhookIds(String task, String rule, String ids) {
        return "{\"task_id\":\"%s\",\"rule_id\":\"%s\",\"result_json\":{},\"webhook_ids\":[%s]}".formatted(task, rule, ids);
    }

    private static Header dueAt(long epochMs) {
        return new RecordHeader("idp-due-at", bytes(Long.toString(epochMs)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(String head, byte[] middle, String tail) {
        byte[] a = bytes(head);
        byte[] c = bytes(tail);
        byte[] all = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(middle, 0, all, a.length, middle.length);
        System.arraycopy(c, 0, all, a.length + middle.length, c.length);
        return all;
    }
}
