package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

class AttemptRecordReaderTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final AttemptRecordReader reader = new AttemptRecordReader(json);

    @Test
    void readsEveryFieldOfAnAttemptRecord() {
        AttemptRow row = reader.read(bytes("""
                {"attempt_id":"D1:2","task_id":"T1","webhook_id":"WH_1","delivery_id":"D1","retry_count":1,
                 "http_status":503,"request_url":"https://example.com/hook",
                 "request_headers":{"Content-Type":"application/json","Authorization":"Bearer ***"},
                 "request_body":"{\\"task_id\\":\\"T1\\"}","response_headers":{"Retry-After":"5"},
                 "response_body":"busy","duration_ms":42,"success":false,"outcome":"retrying",
                 "error_message":"HTTP 503","stage":"idp.push.retry-10s","created_at":"2026-11-29T10:00:00Z",
                 "event":{"task_id":"T1","rule_id":"R1","result_json":{"a":[1,2,{"b":null}]}}}"""));

        assertThat(row.attemptId()).isEqualTo("D1:2");
        assertThat(row.taskId()).isEqualTo("T1");
        assertThat(row.webhookId()).isEqualTo("WH_1");
        assertThat(row.deliveryId()).isEqualTo("D1");
        assertThat(row.retryCount()).isEqualTo(1);
        assertThat(row.httpStatus()).isEqualTo(503);
        assertThat(row.requestUrl()).isEqualTo("https://example.com/hook");
        assertThat(json.readTree(row.requestHeadersJson()))
                .isEqualTo(json.readTree("{\"Content-Type\":\"application/json\",\"Authorization\":\"Bearer ***\"}"));
        assertThat(row.requestBody()).isEqualTo("{\"task_id\":\"T1\"}");
        assertThat(row.responseHeadersJson()).isEqualTo("{\"Retry-After\":\"5\"}");
        assertThat(row.responseBody()).isEqualTo("busy");
        assertThat(row.durationMs()).isEqualTo(42);
        assertThat(row.success()).isFalse();
        assertThat(row.outcome()).isEqualTo("retrying");
        assertThat(row.errorMessage()).isEqualTo("HTTP 503");
        assertThat(row.stage()).isEqualTo("idp.push.retry-10s");
        assertThat(row.createdAt()).isEqualTo(Instant.parse("2026-11-29T10:00:00Z"));
        assertThat(row.deadLettered()).isFalse();
        assertThat(row.event()).isEqualTo("{\"task_id\":\"T1\",\"rule_id\":\"R1\",\"result_json\":{\"a\":[1,2,{\"b\":null}]}}");
    }

    @Test
    void absentOrNullFieldsKeepTheirDefaultsAndUnknownFieldsAreSkipped() {
        Instant before = Instant.now();
        AttemptRow row = reader.read(bytes("""
                {"attempt_id":"D1:1","future":{"nested":[{"x":1}]},"task_id":"T1","webhook_id":"WH_1",
                 "delivery_id":"D1","http_status":null,"request_headers":null,"event":null,"also_new":[1,2]}"""));

        assertThat(row.httpStatus()).isNull();
        assertThat(row.requestHeadersJson()).isEqualTo("{}");
        assertThat(row.responseHeadersJson()).isEqualTo("{}");
        assertThat(row.outcome()).isEqualTo("failed");
        assertThat(row.event()).isNull();
        assertThat(row.createdAt()).isBetween(before, Instant.now());
    }

    @Test
    void keepsTheEventsJsonTextAsItWasWritten() {
        String event = "{ \"task_id\" : \"T1\", \"note\":\"caf\u00e9 \\\"q\\\" \\u0000\", \"n\":[1, {}] }";
        AttemptRow row = reader.read(bytes("{\"attempt_id\":\"D1:1\",\"event\":" + event
                + ",\"task_id\":\"T1\",\"webhook_id\":\"WH_1\",\"delivery_id\":\"D1\"}"));

        assertThat(row.event()).isEqualTo(event);
        assertThat(json.readTree(row.event()).get("note").asString()).isEqualTo("café \"q\" \u0000");
    }

    @Test
    void takesTheRequestBodyAsTheJsonTextThatWasSent() {
        String body = "{\"event\":\"task.completed\", \"note\":\"a \\\"b\\\" \\u0000 é\"}";
        String head = "{\"attempt_id\":\"D1:1\",\"task_id\":\"T1\",\"webhook_id\":\"WH_1\",\"delivery_id\":\"D1\",";

        assertThat(reader.read(bytes(head + "\"request_body_json\":" + body + "}")).requestBody()).isEqualTo(body);
        assertThat(reader.read(bytes(head + "\"request_body_json\":\"just \\\"text\\\"\"}")).requestBody())
                .isEqualTo("\"just \\\"text\\\"\"");
        assertThat(reader.read(bytes(head + "\"request_body_json\":[1,2]}")).requestBody()).isEqualTo("[1,2]");
        assertThat(reader.read(bytes(head + "\"request_body\":null}")).requestBody()).isNull();
    }

    @Test
    void replacesTheNulCharacterPostgresCannotStore() {
        AttemptRow row = reader.read(bytes("""
                {"attempt_id":"D1:1","task_id":"T1","webhook_id":"WH_1","delivery_id":"D1",
                 "response_body":"a\\u0000b","response_headers":{"X-Evil\\u0000":"v\\u0000"}}"""));

        assertThat(row.responseBody()).isEqualTo("a\uFFFDb");
        assertThat(row.responseHeadersJson()).doesNotContain("\\u0000").isEqualTo("{\"X-Evil\uFFFD\":\"v\uFFFD\"}");
    }

    @Test
    void refusesWhatIsNotAnAttempt() {
        assertThatThrownBy(() -> reader.read(bytes("{\"task_id\":\"T1\",\"webhook_id\":\"W\",\"delivery_id\":\"D\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("attempt_id is missing");
        assertThatThrownBy(() -> reader.read(bytes("{\"attempt_id\":")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> reader.read(bytes("[1,2]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a JSON object");
        assertThatThrownBy(() -> reader.read(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("empty record");
        assertThatThrownBy(() -> reader.read(bytes("""
                {"attempt_id":"D1:1","task_id":"T1","webhook_id":"WH_1","delivery_id":"D1","created_at":"yesterday"}""")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("created_at");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
