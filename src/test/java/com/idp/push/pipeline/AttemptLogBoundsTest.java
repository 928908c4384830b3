package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.idp.push.delivery.CappedBody;
import com.idp.push.event.TaskEvent;
import com.idp.push.event.TaskEventParser;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The attempt log's request body cap, and the reduced log written when a whole record is too large. */
class AttemptLogBoundsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final PipelineCodec codec = new PipelineCodec(JSON, new TaskEventParser());

    @Test
    void aBodyWithinTheCapIsKeptWhole() {
        String body = "{\"task_id\":\"T1\",\"n\":\"" + "x".repeat(80) + "\"}";
        assertThat(LoggedRequestBody.of(bytes(body), body.length())).isEqualTo(new LoggedRequestBody(body, false));
        assertThat(LoggedRequestBody.of(bytes("{}"), 1000)).isEqualTo(new LoggedRequestBody("{}", false));
    }

    @Test
    void aBodyOverTheCapKeepsItsFirstBytesWithTheMarkAndItsSize() {
        String body = "{\"result_json\":\"" + "y".repeat(2_000_000) + "\"}";
        LoggedRequestBody logged = LoggedRequestBody.of(bytes(body), 65_536);
        assertThat(logged.truncated()).isTrue();
        assertThat(logged.text()).isEqualTo(body.substring(0, 65_536) + CappedBody.TRUNCATION_MARK + " (2000018 bytes)");
    }

    @Test
    void theCutNeverSplitsACharacter() {
        byte[] body = bytes("{\"a\":\"ab\u00e4\u20ac\"}"); // ä is 2 bytes at 8-9, € 3 bytes at 10-12
        assertThat(LoggedRequestBody.of(body, 9).text()).startsWith("{\"a\":\"ab" + CappedBody.TRUNCATION_MARK);
        assertThat(LoggedRequestBody.of(body, 12).text()).startsWith("{\"a\":\"ab\u00e4" + CappedBody.TRUNCATION_MARK);
        assertThat(LoggedRequestBody.of(body, 0).text()).isEqualTo(CappedBody.TRUNCATION_MARK + " (" + body.length + " bytes)");
    }

    @Test
    void aCutBodyIsWrittenAsTextAWholeOneAsJson() {
        JsonNode whole = JSON.readTree(codec.encodeAttempt(attempt("{\"n\":1}", false)));
        assertThat(whole.get("request_body_json").get("n").asInt()).isEqualTo(1);
        assertThat(whole.has("request_body")).isFalse();

        String cut = "{\"n\":\"12" + CappedBody.TRUNCATION_MARK + " (99999 bytes)";
        JsonNode truncated = JSON.readTree(codec.encodeAttempt(attempt(cut, true)));
        assertThat(truncated.get("request_body").asString()).isEqualTo(cut);
        assertThat(truncated.has("request_body_json")).isFalse();
    }

    @Test
    void theReducedLogKeepsTheOutcomeAndSaysWhatItLeftOut() {
        AttemptLog reduced = attempt("{\"n\":1}", false).reduced("too large");
        JsonNode node = JSON.readTree(codec.encodeAttempt(reduced));
        assertThat(node.get("request_body").isNull()).isTrue();
        assertThat(node.get("response_body").isNull()).isTrue();
        assertThat(node.has("event")).isFalse();
        assertThat(node.get("error_message").asString()).isEqualTo("HTTP 500 [attempt log reduced: too large]");
        assertThat(node.get("http_status").asInt()).isEqualTo(500);
        assertThat(node.get("outcome").asString()).isEqualTo("retrying");
        assertThat(node.get("request_headers").get("X-IDP-Attempt").asString()).isEqualTo("1");
        assertThat(attempt("{}", false, null).reduced("too large").errorMessage())
                .isEqualTo("attempt log reduced: too large");
    }

    private static AttemptLog attempt(String requestBody, boolean truncated) {
        return attempt(requestBody, truncated, "HTTP 500");
    }

    private static AttemptLog attempt(String requestBody, boolean truncated, String error) {
        return new AttemptLog("D1:1", "T1", "WH_1", "D1", 0, 500, "https://example.test/", Map.of("X-IDP-Attempt", "1"),
                requestBody, truncated, Map.of(), "oops", 12, false, "retrying", error, "intake", Instant.EPOCH,
                new TaskEvent("T1", "R1", JSON.createObjectNode(), null, null, "T1", null, List.of(),
                        JSON.createObjectNode().put("task_id", "T1")));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
