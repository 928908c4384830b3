package com.idp.push.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskEventParserTest {

    private final TaskEventParser parser = new TaskEventParser();

    @Test
    void parsesAFullEventAndIgnoresUnknownFields() {
        TaskEvent event = valid("""
                {"task_id":"T_1","rule_id":"R_1","result_json":{"a":1},"file_url":"https://f/x.pdf",
                 "meta_info":{"customer":"c"},"event_id":"E1","completed_at":"2025-12-14T10:00:00Z",
                 "webhook_ids":["WH_1","WH_2"],"surprise":true}""");
        assertThat(event.taskId()).isEqualTo("T_1");
        assertThat(event.ruleId()).isEqualTo("R_1");
        assertThat(event.resultJson().get("a").asInt()).isEqualTo(1);
        assertThat(event.metaInfo().get("customer").asString()).isEqualTo("c");
        assertThat(event.eventId()).isEqualTo("E1");
        assertThat(event.webhookIds()).containsExactly("WH_1", "WH_2");
        assertThat(event.raw().has("surprise")).as("the raw event keeps unknown fields").isTrue();
    }

    @Test
    void eventIdDefaultsToTaskIdAndCompletionTime() {
        assertThat(valid("{\"task_id\":\"T\",\"rule_id\":\"R\",\"result_json\":{},\"completed_at\":\"2025-01-01T00:00:00Z\"}")
                .eventId()).isEqualTo("T:2025-01-01T00:00:00Z");
        assertThat(valid("{\"task_id\":\"T\",\"rule_id\":\"R\",\"result_json\":{}}").eventId()).isEqualTo("T");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json at all                                          | invalid-json",
            "[1,2]                                                    | invalid-json",
            "{\"task_id\":\"T\",\"rule_id\":\"R\"}                    | missing-field",
            "{\"rule_id\":\"R\",\"result_json\":{}}                   | missing-field",
            "{\"task_id\":7,\"rule_id\":\"R\",\"result_json\":{}}     | wrong-type",
            "{\"task_id\":\"T\",\"rule_id\":\"R\",\"result_json\":[]} | wrong-type",
            "{\"task_id\":\"T\",\"rule_id\":\"R\",\"result_json\":{},\"webhook_ids\":[1]} | wrong-type",
            "{\"task_id\":\"T\",\"rule_id\":\"R\",\"result_json\":{},\"meta_info\":\"x\"} | wrong-type",
            "{\"task_id\":\"\",\"rule_id\":\"R\",\"result_json\":{}}  | wrong-type",
            "{\"task_id\":\"T\\r\\nX-Evil: 1\",\"rule_id\":\"R\",\"result_json\":{}} | wrong-type",
            "{\"task_id\":\"T\",\"rule_id\":\"R\",\"result_json\":{}} trailing | invalid-json"})
    void refusesInvalidEventsWithAReason(String value, String reason) {
        ParsedEvent parsed = parser.parse(value.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed).isInstanceOf(ParsedEvent.Invalid.class);
        assertThat(((ParsedEvent.Invalid) parsed).reason()).isEqualTo(reason);
    }

    @Test
    void refusesNullEmptyInvalidUtf8AndDeepNesting() {
        assertThat(reason(null)).isEqualTo("null-value");
        assertThat(reason(new byte[0])).isEqualTo("empty-value");
        assertThat(reason(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'})).isEqualTo("invalid-utf8");
        String deep = "{\"task_id\":\"T\",\"rule_id\":\"R\",\"result_json\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5001);
        assertThat(reason(deep.getBytes(StandardCharsets.UTF_8))).isEqualTo("invalid-json");
    }

    private String reason(byte[] value) {
        return ((ParsedEvent.Invalid) parser.parse(value)).reason();
    }

    private TaskEvent valid(String json) {
        ParsedEvent parsed = parser.parse(json.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed).isInstanceOf(ParsedEvent.Valid.class);
        return ((ParsedEvent.Valid) parsed).event();
    }
}
