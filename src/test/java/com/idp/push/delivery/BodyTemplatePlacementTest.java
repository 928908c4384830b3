package com.idp.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.mustachejava.Code;
import com.github.mustachejava.Mustache;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** No value can change a template's JSON structure or types, wherever its tag stands. */
class BodyTemplatePlacementTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final JsonNode RESULT = JSON.readTree("""
            {"amount": 12.5, "count": 3, "ok": true, "off": false, "nothing": null,
             "tags": ["1,2,3", "{}", "true"], "obj": {"k": "v\\"w"}}
            """);

    /** Values that would change types or structure if printed as they are. */
    @ParameterizedTest
    @ValueSource(strings = {"1,2,3", "{}", "[]", "true", "false", "null", "123", "-1.5e3", "\"quoted\"",
            "back\\slash", "new\nline", "tab\tand\rcr", "日本語 😀 é", "\u2028\u2029", "</script><script>x()</script>",
            "\"}, \"x\": {\"", "{{task_id}}", ""})
    void aStringOutsideQuotesIsOneQuotedString(String value) throws Exception {
        JsonNode body = render("{\"a\": {{task_id}}, \"b\": {{{task_id}}}, \"c\": {{& task_id}}}", value);

        assertThat(fieldNames(body)).containsExactly("a", "b", "c");
        for (String field : List.of("a", "b", "c")) {
            assertThat(body.get(field).isString()).as(field).isTrue();
            assertThat(body.get(field).stringValue()).as(field).isEqualTo(value);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1,2,3", "{}", "true", "null", "123", "\"],[\"", "a\\\"b", "</script>", "😀"})
    void aStringInsideAnArrayIsOneElement(String value) throws Exception {
        JsonNode body = render("{\"a\":[{{task_id}}], \"b\":[{{task_id}},{{rule_id}}]}", value);

        assertThat(body.get("a").size()).isEqualTo(1);
        assertThat(body.get("a").get(0).stringValue()).isEqualTo(value);
        assertThat(body.get("b").size()).isEqualTo(2);
        assertThat(body.get("b").get(1).stringValue()).isEqualTo("rule-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1,2,3", "{}", "true", "null", "123", "\"}, \"x\": {\"", "back\\slash\\", "new\nline",
            "日本語 😀", "</script>"})
    void aStringInsideQuotesIsEscapedContent(String value) throws Exception {
        String raw = renderText("{\"a\": \"{{task_id}}\", \"b\": [\"{{task_id}}\"], \"c\": \"<{{task_id}}>\"}", value);
        JsonNode body = JSON.readTree(raw);

        assertThat(fieldNames(body)).containsExactly("a", "b", "c");
        assertThat(body.get("a").stringValue()).isEqualTo(value);
        assertThat(body.get("b").get(0).stringValue()).isEqualTo(value);
        assertThat(body.get("c").stringValue()).isEqualTo("<" + value + ">");
        // unchanged from before: inside quotes a value is printed escaped, without quotes of its own
        assertThat(raw).startsWith("{\"a\": \"" + escaped(value) + "\"");
    }

    @Test
    void aStringInKeyPositionIsOneKey() throws Exception {
        JsonNode body = render("{ {{task_id}}: 1, \"{{task_id}}x\": 2}", "a\": 2, \"b");

        assertThat(fieldNames(body)).containsExactly("a\": 2, \"b", "a\": 2, \"bx");
    }

    @Test
    void numbersAndBooleansOutsideQuotesKeepTheirType() throws Exception {
        JsonNode body = render("""
                {"amount": {{result_json.amount}}, "count": {{result_json.count}}, "ok": {{result_json.ok}},
                 "off": {{result_json.off}}, "nothing": {{result_json.nothing}}, "missing": {{result_json.missing}}}""", "t");

        assertThat(body.get("amount").isNumber()).isTrue();
        assertThat(body.get("amount").decimalValue()).isEqualByComparingTo("12.5");
        assertThat(body.get("count").intValue()).isEqualTo(3);
        assertThat(body.get("ok").isBoolean()).isTrue();
        assertThat(body.get("off").booleanValue()).isFalse();
        assertThat(body.get("nothing").isNull()).isTrue();
        assertThat(body.get("missing").isNull()).isTrue();
    }

    @Test
    void numbersAndBooleansInsideQuotesAreText() throws Exception {
        JsonNode body = render("""
                {"amount": "{{result_json.amount}}", "ok": "{{result_json.ok}}", "nothing": "{{result_json.nothing}}",
                 "missing": "{{result_json.missing}}"}""", "t");

        assertThat(body.toString()).isEqualTo("{\"amount\":\"12.5\",\"ok\":\"true\",\"nothing\":\"\",\"missing\":\"\"}");
    }

    @Test
    void objectsAndArraysOutsideQuotesAreJsonAndInsideQuotesTheirEscapedText() throws Exception {
        JsonNode body = render("""
                {"obj": {{result_json.obj}}, "tags": {{result_json.tags}},
                 "objText": "{{result_json.obj}}", "tagsText": "{{result_json.tags}}", "all": "{{{result_json}}}"}""", "t");

        assertThat(body.get("obj")).isEqualTo(RESULT.get("obj"));
        assertThat(body.get("tags")).isEqualTo(RESULT.get("tags"));
        assertThat(body.get("objText").stringValue()).isEqualTo("{\"k\":\"v\\\"w\"}");
        assertThat(JSON.readTree(body.get("tagsText").stringValue())).isEqualTo(RESULT.get("tags"));
        assertThat(JSON.readTree(body.get("all").stringValue())).isEqualTo(RESULT);
    }

    @Test
    void arrayElementsKeepTheirTypesInSections() throws Exception {
        JsonNode body = render("""
                {"list": [{{#result_json.tags}}{{.}}, {{/result_json.tags}}null],
                 "joined": "{{#result_json.tags}}{{.}};{{/result_json.tags}}"}""", "t");

        assertThat(body.get("list").toString()).isEqualTo("[\"1,2,3\",\"{}\",\"true\",null]");
        assertThat(body.get("joined").stringValue()).isEqualTo("1,2,3;{};true;");
    }

    @Test
    void escapedQuotesInLiteralTextDoNotEndTheString() throws Exception {
        JsonNode body = render("{\"a\": \"say \\\"{{task_id}}\\\"\", \"b\": \"x\\\\\", \"c\": {{task_id}}}", "true");

        assertThat(body.get("a").stringValue()).isEqualTo("say \"true\"");
        assertThat(body.get("b").stringValue()).isEqualTo("x\\");
        assertThat(body.get("c").isString()).as("after an escaped backslash the string is closed").isTrue();
        assertThat(body.get("c").stringValue()).isEqualTo("true");
    }

    @Test
    void placementFollowsInvertedSectionsCommentsAndDelimiterChanges() throws Exception {
        // The save-time sample has every dotted name, so the inverted sections sit where "nothing" is valid too.
        JsonNode body = render("""
                {{! a comment with a " quote }}{"a": [{{^result_json.missing}}{{task_id}}{{/result_json.missing}}],
                 "b": "{{^result_json.missing}}{{task_id}}{{/result_json.missing}}",
                 {{=<% %>=}}"c": <% task_id %>, "d": "<% task_id %>", "e": <%! " %><% task_id %>}""", "1,2,3");

        assertThat(fieldNames(body)).containsExactly("a", "b", "c", "d", "e");
        assertThat(body.get("a").size()).isEqualTo(1);
        assertThat(body.get("a").get(0).stringValue()).isEqualTo("1,2,3");
        for (String field : List.of("b", "c", "d", "e")) {
            assertThat(body.get(field).stringValue()).as(field).isEqualTo("1,2,3");
        }
    }

    @Test
    void standaloneSectionLinesDoNotConfuseThePlacement() throws Exception {
        JsonNode body = render("""
                {"items": [
                  {{#result_json.tags}}
                  {"tag": {{.}}, "text": "{{.}}"},
                  {{/result_json.tags}}
                  null]}""", "t");

        assertThat(body.get("items").get(1).get("tag").stringValue()).isEqualTo("{}");
        assertThat(body.get("items").get(1).get("text").stringValue()).isEqualTo("{}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"a\": {{#result_json.ok}}\"{{/result_json.ok}}x\"}",
            "{\"a\": \"{{#result_json.ok}}\"{{/result_json.ok}}, \"b\": 1}",
            "{\"a\": {{^result_json.ok}}\"{{/result_json.ok}}x\"}"})
    void refusesASectionThatOpensOrClosesAString(String source) {
        assertThatThrownBy(() -> BodyTemplate.compile(source))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("(line 1) starts")
                .hasMessageContaining("both inside or both outside the quotes");
    }

    @Test
    void refusesATagRightAfterABackslash() {
        assertThatThrownBy(() -> BodyTemplate.compile("{\"a\": \"x\\{{task_id}}\"}"))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("{{task_id}} (line 1) follows a backslash");
    }

    @Test
    void eachTagIsPlacedAtCompileTime() throws Exception {
        Mustache mustache = new JsonSafeMustacheFactory().compile(new StringReader(
                "{\"a\": {{task_id}}, \"b\": \"{{task_id}}\"}"), "t");
        JsonPlacement.assign(mustache.getCodes());

        List<Placement> placements = new ArrayList<>();
        for (Code code : mustache.getCodes()) {
            if (code instanceof JsonValueCode value) {
                placements.add(value.placement());
            }
        }
        assertThat(placements).containsExactly(Placement.OUT_OF_STRING, Placement.IN_STRING);
    }

    // --- helpers -------------------------------------------------------------------------------

    private static String escaped(String value) throws Exception {
        StringWriter out = new StringWriter();
        JsonText.writeEscaped(out, value);
        return out.toString();
    }

    private static JsonNode render(String template, String taskId) throws InvalidTemplateException {
        return JSON.readTree(renderText(template, taskId));
    }

    private static String renderText(String template, String taskId) throws InvalidTemplateException {
        TemplateVariables vars = new TemplateVariables(taskId, "rule-1", "https://example.com/f.pdf",
                "2024-05-01T10:00:00Z", "dlv-1", "wh-1", RESULT, null);
        return new String(BodyTemplate.compile(template).render(vars), StandardCharsets.UTF_8);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
