package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.idp.push.event.ParsedEvent;
import com.idp.push.event.TaskEvent;
import com.idp.push.event.TaskEventParser;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The identity of attempts through the codec: chains survive the delay topics, old records still decode. */
class PipelineCodecTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String EVENT = """
            {"task_id":"T1","rule_id":"R1","result_json":{},"completed_at":"2025-12-14T10:00:00Z"}""";
    private final PipelineCodec codec = new PipelineCodec(JSON, new TaskEventParser());

    @Test
    void aFirstAttemptsLogCarriesTheEventAsReceivedInsideValidJson() {
        String received = "\uFEFF {\"task_id\":\"T1\",\n \"rule_id\":\"R1\", \"result_json\":{\"n\":[1, 2]},"
                + " \"note\":\"caf\u00e9\"}\n";
        TaskEvent event = ((ParsedEvent.Valid) new TaskEventParser().parse(received.getBytes(StandardCharsets.UTF_8)))
                .event();
        AttemptLog attempt = new AttemptLog("D1:1", "T1", "WH_1", "D1", 0, 200, "https://example.test/", Map.of(),
                "{}", false, Map.of(), "", 3, true, "delivered", null, "intake", Instant.EPOCH, event);

        String encoded = new String(codec.encodeAttempt(attempt), StandardCharsets.UTF_8);

        assertThat(encoded).contains("\"event\": {\"task_id\":\"T1\",\n \"rule_id\"").doesNotContain("\uFEFF");
        JsonNode node = JSON.readTree(encoded);
        assertThat(node.get("event")).isEqualTo(event.raw());
        assertThat(node.get("created_at").asString()).isEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void anEventReadFromInsideAnotherRecordIsWrittenFromItsTree() {
        Delivery retried = ok(codec.decodeDelivery(codec.encodeDelivery(Delivery.first(event(), "WH_1", Instant.EPOCH))));
        AttemptLog attempt = new AttemptLog("D1:2", "T1", "WH_1", "D1", 1, 200, "https://example.test/", Map.of(),
                "{}", false, Map.of(), "", 3, true, "delivered", null, "intake", Instant.EPOCH, retried.event());

        assertThat(retried.event().json()).isNull();
        assertThat(JSON.readTree(codec.encodeAttempt(attempt)).get("event")).isEqualTo(JSON.readTree(EVENT));
    }

    @Test
    void theEventsOwnChainKeepsTheAttemptIdOfEarlierVersions() {
        Delivery first = Delivery.first(event(), "WH_1", Instant.EPOCH);

        assertThat(first.chain()).isNull();
        assertThat(first.attemptId()).isEqualTo(first.deliveryId() + ":1");
        assertThat(first.retried("HTTP 503", 503).attemptId()).isEqualTo(first.deliveryId() + ":2");
        assertThat(new String(codec.encodeDelivery(first), StandardCharsets.UTF_8)).doesNotContain("chain");
    }

    @Test
    void aDlqRecordReplayedTwiceStartsTwoChainsWhoseAttemptsHaveTheirOwnIds() {
        byte[] dlq = deadLetter();

        Delivery once = replay(dlq, Delivery.replayChain("idp.push.replay", 2, 17));
        Delivery twice = replay(dlq, Delivery.replayChain("idp.push.replay", 0, 4));
        Delivery again = replay(dlq, Delivery.replayChain("idp.push.replay", 2, 17));

        assertThat(once.attempt()).isEqualTo(twice.attempt()).isEqualTo(5);
        assertThat(once.attemptId()).isNotEqualTo(twice.attemptId())
                .isEqualTo(once.deliveryId() + ":5:idp.push.replay-2@17");
        assertThat(again.attemptId()).as("the same replay record processed again").isEqualTo(once.attemptId());
    }

    @Test
    void theChainIsCarriedThroughTheDelayTopics() {
        Delivery replayed = replay(deadLetter(), Delivery.replayChain("idp.push.replay", 1, 9));
        Delivery retried = replayed.retried("HTTP 503", 503);

        Delivery decoded = ok(codec.decodeDelivery(codec.encodeDelivery(retried)));

        assertThat(decoded).isEqualTo(retried);
        assertThat(decoded.attemptId()).isEqualTo(replayed.deliveryId() + ":6:idp.push.replay-1@9");
    }

    @Test
    void aDelayRecordOfAnEarlierVersionDecodesAsTheEventsChain() {
        String old = """
                {"delivery_id":"dlv_old","webhook_id":"WH_1","attempt":3,"retry":2,
                 "first_attempt_at":"2025-12-14T10:00:00Z","last_failure":"HTTP 500","last_http_status":500,
                 "event":%s}""".formatted(EVENT);

        Delivery decoded = ok(codec.decodeDelivery(old.getBytes(StandardCharsets.UTF_8)));

        assertThat(decoded.chain()).isNull();
        assertThat(decoded.attemptId()).isEqualTo("dlv_old:3");
    }

    @Test
    void callsOfTheJavaApiAreChainsOfTheirOwn() {
        Delivery a = Delivery.called(event(), "WH_1", Instant.EPOCH);
        Delivery b = Delivery.called(event(), "WH_1", Instant.EPOCH);

        assertThat(a.deliveryId()).isEqualTo(Delivery.first(event(), "WH_1", Instant.EPOCH).deliveryId());
        assertThat(a.attemptId()).isNotEqualTo(b.attemptId()).isNotEqualTo(a.deliveryId() + ":1");
    }

    private Delivery replay(byte[] dlq, String chain) {
        return ok(codec.decodeReplay(dlq, chain));
    }

    private byte[] deadLetter() {
        Delivery first = Delivery.first(event(), "WH_1", Instant.parse("2025-12-14T10:00:00Z"));
        return codec.encodeDeadLetter(new DeadLetter(first.deliveryId(), "T1", "WH_1", first.event(), 3, 4,
                "HTTP 500", 500, first.firstAttemptAt(), Instant.parse("2025-12-14T10:03:00Z")));
    }

    private static TaskEvent event() {
        return ((ParsedEvent.Valid) new TaskEventParser().parse(EVENT.getBytes(StandardCharsets.UTF_8))).event();
    }

    private static Delivery ok(Decoded<Delivery> decoded) {
        assertThat(decoded).isInstanceOf(Decoded.Ok.class);
        return ((Decoded.Ok<Delivery>) decoded).value();
    }
}
