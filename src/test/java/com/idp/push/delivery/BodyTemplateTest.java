package com.idp.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class BodyTemplateTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final JsonNode RESULT = JSON.readTree("""
            {"amount": 12.5, "count": 3, "ok": true,
             "items": [{"name": "a"}, {"name": "b\\"c"}],
             "tags": ["x", "y"],
             "nested": {"deep": {"value": "q"}},
             "nothing": null}
            """);
    private static final JsonNode META = JSON.readTree("""
            {"customer": "ACME \\"Inc\\"", "address": {"city": "Zürich"}}
            """);

    // --- strings are escaped -------------------------------------------------------------

    @Test
    void escapesQuotesBackslashesAndWhitespace() throws Exception {
        String nasty = "a\"b\\c\nd\re\tf\bg\fh";

        JsonNode body = render("{\"t\": \"{{task_id}}\"}", vars(nasty));

        assertThat(body.get("t").stringValue()).isEqualTo(nasty);
    }

    @Test
    void escapesControlCharactersAndLineSeparators() throws Exception {
        String value = "nul\u0000 bell\u0007 esc\u001b unit\u001f ls\u2028 ps\u2029";

        String raw = renderText("{\"t\": \"{{task_id}}\"}", vars(value));

        assertThat(raw).contains("\\u0000", "\\u0007", "\\u001b", "\\u001f", "\\u2028", "\\u2029")
                .doesNotContain("\u2028", "\u2029", "\u0000");
        assertThat(JSON.readTree(raw).get("t").stringValue()).isEqualTo(value);
    }

    @Test
    void keepsUnicodeAsUtf8() throws Exception {
        String value = "Zoë 日本語 😀 한국어";

        byte[] bytes = BodyTemplate.compile("{\"t\": \"{{task_id}}\"}").render(vars(value));

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"t\": \"" + value + "\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"t\": \"{{task_id}}\", \"r\": \"{{rule_id}}\"}",
            "{\"t\": \"{{{task_id}}}\", \"r\": \"{{rule_id}}\"}",
            "{\"t\": \"{{& task_id}}\", \"r\": \"{{rule_id}}\"}"})
    void valuesCannotChangeTheStructure(String template) throws Exception {
        String injection = "\"}, \"x\": {\"";

        JsonNode body = render(template, vars(injection));

        assertThat(fieldNames(body)).containsExactly("t", "r");
        assertThat(body.get("t").stringValue()).isEqualTo(injection);
        assertThat(body.get("r").stringValue()).isEqualTo("rule-1");
    }

    @Test
    void valuesInKeyPositionCannotChangeTheStructure() throws Exception {
        JsonNode body = render("{\"{{task_id}}\": 1}", vars("a\": 2, \"b"));

        assertThat(fieldNames(body)).containsExactly("a\": 2, \"b");
    }

    @Test
    void templateSyntaxInsideValuesIsNotEvaluated() throws Exception {
        JsonNode body = render("{\"t\": \"{{task_id}}\"}", vars("{{rule_id}} {{> x}}"));

        assertThat(body.get("t").stringValue()).isEqualTo("{{rule_id}} {{> x}}");
    }

    @Test
    void allStringVariablesAreAvailable() throws Exception {
        JsonNode body = render("""
                {"t":"{{task_id}}","r":"{{rule_id}}","f":"{{file_url}}","c":"{{completed_at}}",
                 "d":"{{delivery_id}}","w":"{{webhook_id}}"}""",
                new TemplateVariables("t1", "r1", "https://files/x?a=1&b=2", "2024-05-01T10:00:00Z", "d1", "w1", null, null));

        assertThat(body.toString()).isEqualTo("{\"t\":\"t1\",\"r\":\"r1\",\"f\":\"https://files/x?a=1&b=2\","
                + "\"c\":\"2024-05-01T10:00:00Z\",\"d\":\"d1\",\"w\":\"w1\"}");
    }

    // --- objects ---------------------------------------------------------------------------

    @Test
    void rendersObjectsAsJson() throws Exception {
        JsonNode body = render("{\"result\": {{result_json}}, \"meta\": {{meta_info}}}", vars("t"));

        assertThat(body.get("result")).isEqualTo(RESULT);
        assertThat(body.get("meta")).isEqualTo(META);
    }

    @Test
    void objectStringsAreEscapedIncludingLineSeparators() throws Exception {
        JsonNode meta = JSON.readTree("{\"k\\\"ey\": \"v\\u2028\\\"}\"}");
        TemplateVariables vars = new TemplateVariables("t", null, null, null, null, null, null, meta);

        String raw = renderText("{\"meta\": {{meta_info}}}", vars);

        assertThat(raw).isEqualTo("{\"meta\": {\"k\\\"ey\":\"v\\u2028\\\"}\"}}");
        assertThat(JSON.readTree(raw).get("meta")).isEqualTo(meta);
    }

    @Test
    void dottedNamesReachInsideObjects() throws Exception {
        JsonNode body = render("""
                {"customer": "{{meta_info.customer}}", "city": "{{meta_info.address.city}}",
                 "deep": "{{result_json.nested.deep.value}}", "amount": {{result_json.amount}},
                 "ok": {{result_json.ok}}, "tags": {{result_json.tags}}, "nested": {{result_json.nested}}}""",
                vars("t"));

        assertThat(body.get("customer").stringValue()).isEqualTo("ACME \"Inc\"");
        assertThat(body.get("city").stringValue()).isEqualTo("Zürich");
        assertThat(body.get("deep").stringValue()).isEqualTo("q");
        assertThat(body.get("amount").decimalValue()).isEqualByComparingTo("12.5");
        assertThat(body.get("ok").booleanValue()).isTrue();
        assertThat(body.get("tags")).isEqualTo(RESULT.get("tags"));
        assertThat(body.get("nested")).isEqualTo(RESULT.get("nested"));
    }

    @Test
    void missingAndNullValuesRenderEmpty() throws Exception {
        TemplateVariables vars = new TemplateVariables(null, "r", null, null, null, null, RESULT, null);

        JsonNode body = render("""
                {"t": "{{task_id}}", "m": "{{meta_info.customer}}{{meta_info.address.city}}",
                 "n": "{{result_json.nothing}}{{result_json.missing}}{{result_json.nested.missing.deeper}}",
                 "u": "{{unknown}}"}""", vars);

        assertThat(body.toString()).isEqualTo("{\"t\":\"\",\"m\":\"\",\"n\":\"\",\"u\":\"\"}");
    }

    @Test
    void sectionsIterateOverArrays() throws Exception {
        JsonNode body = render("""
                {"tags": "{{#result_json.tags}}{{.}};{{/result_json.tags}}",
                 "names": [{{#result_json.items}}"{{name}}", {{/result_json.items}}"end"]}""", vars("t"));

        assertThat(body.get("tags").stringValue()).isEqualTo("x;y;");
        assertThat(body.get("names").toString()).isEqualTo("[\"a\",\"b\\\"c\",\"end\"]");
    }

    @Test
    void sectionsOverObjectsAndInvertedSections() throws Exception {
        JsonNode body = render("""
                {"inside": "{{#meta_info.address}}{{city}}/{{task_id}}{{/meta_info.address}}",
                 "has": "{{#result_json.ok}}yes{{/result_json.ok}}",
                 "none": "{{^result_json.missing}}none{{/result_json.missing}}",
                 "empty": "{{^result_json.tags}}never{{/result_json.tags}}"}""", vars("t\"1"));

        // Names not found in the section's object fall back to the root scope.
        assertThat(body.get("inside").stringValue()).isEqualTo("Zürich/t\"1");
        assertThat(body.get("has").stringValue()).isEqualTo("yes");
        assertThat(body.get("none").stringValue()).isEqualTo("none");
        assertThat(body.get("empty").stringValue()).isEmpty();
    }

    @Test
    void templatesCannotReachJavaMembers() throws Exception {
        JsonNode body = render("{\"a\": \"{{task_id.class}}{{task_id.bytes}}{{getClass}}{{meta_info.class}}{{result_json.tags.size}}\"}",
                vars("t"));

        assertThat(body.get("a").stringValue()).isEmpty();
    }

    @Test
    void compiledTemplateIsReusableAndKeepsItsSource() throws Exception {
        String source = "{\"t\": \"{{task_id}}\"}";
        BodyTemplate template = BodyTemplate.compile(source);

        assertThat(template.source()).isEqualTo(source);
        assertThat(new String(template.render(vars("one")), StandardCharsets.UTF_8)).isEqualTo("{\"t\": \"one\"}");
        assertThat(new String(template.render(vars("two")), StandardCharsets.UTF_8)).isEqualTo("{\"t\": \"two\"}");
    }

    // --- refused when saved ----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"t\": \"{{task_id\"}",                    // unterminated tag
            "{\"t\": \"{{#task_id}}x\"}",                // unclosed section
            "{\"t\": \"{{#task_id}}x{{/rule_id}}\"}",    // mismatched section
            "{\"a\": }",                                 // never valid JSON
            "hello",
            "",
            "{\"a\": 1} {\"b\": 2}",                     // trailing content
            "{\"a\": \"x\ny\"}",                         // raw newline inside a string
            "{\"a\": 1 {{task_id}}}",                    // a quoted string after a number
            "{\"a\": \"x}"                                // a string that never ends
    })
    void refusesTemplatesThatCannotRenderJson(String source) {
        assertThatThrownBy(() -> BodyTemplate.compile(source))
                .isInstanceOf(InvalidTemplateException.class)
                .message().isNotBlank();
    }

    @Test
    void refusalMessageSaysWhatIsWrong() {
        assertThatThrownBy(() -> BodyTemplate.compile("{\"a\": }"))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("does not render valid JSON")
                .hasMessageContaining("column 7");
        assertThatThrownBy(() -> BodyTemplate.compile("{\"t\": \"{{task_id\"}"))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("Invalid Mustache template");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"a\": \"{{> application}}\"}",
            "{\"a\": \"{{>*task_id}}\"}",
            "{{< parent}}{{/parent}}",
            "{\"a\": \"{{$block}}x{{/block}}\"}",
            "{\"a\": \"{{*task_id}}\"}",
            "{{%IMPLICIT-ITERATOR}}{\"a\": 1}"
    })
    void refusesPartialsAndOtherUnsupportedFeatures(String source) {
        assertThatThrownBy(() -> BodyTemplate.compile(source))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("not supported");
    }

    @Test
    void acceptsTemplatesThatDependOnObjectContent() throws Exception {
        BodyTemplate.compile("{\"n\": {{result_json.amount}}, \"s\": \"{{meta_info.a.b.c}}\"}");
        BodyTemplate.compile("{\"items\": [{{#result_json.items}}{\"id\": \"{{id}}\"}, {{/result_json.items}}null]}");
        BodyTemplate.compile("{\"t\": \"{{task_id}}\", \"whole\": {{result_json}}, \"root\": \"{{{rule_id}}}\"}");
        BodyTemplate.compile("[1, \"{{=<% %>=}}<% task_id %>\"]");
        BodyTemplate.compile("42");
    }

    // --- render failures ---------------------------------------------------------------------

    @Test
    void renderFailsWhenOutputIsInvalidForThisEvent() throws Exception {
        // Valid for the sample (a number), invalid when the event has a string there: 1"x".
        BodyTemplate template = BodyTemplate.compile("{\"n\": 1{{result_json.amount}} }");
        TemplateVariables stringAmount = new TemplateVariables("t", null, null, null, null, null,
                JSON.readTree("{\"amount\": \"x\"}"), null);

        assertThat(new String(template.render(vars("t")), StandardCharsets.UTF_8)).isEqualTo("{\"n\": 112.5 }");
        assertThatThrownBy(() -> template.render(stringAmount))
                .isInstanceOf(TemplateRenderException.class)
                .hasMessageContaining("invalid JSON");
    }

    @Test
    void missingValuesOutsideQuotesRenderNull() throws Exception {
        BodyTemplate template = BodyTemplate.compile("{\"n\": {{result_json.amount}}, \"u\": {{unknown}}}");
        TemplateVariables withoutAmount = new TemplateVariables("t", null, null, null, null, null,
                JSON.readTree("{\"other\": 1}"), null);

        assertThat(new String(template.render(withoutAmount), StandardCharsets.UTF_8))
                .isEqualTo("{\"n\": null, \"u\": null}");
    }

    @Test
    void anObjectInsideQuotesRendersAsItsEscapedJsonText() throws Exception {
        BodyTemplate template = BodyTemplate.compile("{\"name\": \"{{result_json.name}}\"}");
        TemplateVariables objectName = new TemplateVariables("t", null, null, null, null, null,
                JSON.readTree("{\"name\": {\"first\": \"x\\\"y\"}}"), null);

        JsonNode body = JSON.readTree(template.render(objectName));

        assertThat(body.get("name").stringValue()).isEqualTo("{\"first\":\"x\\\"y\"}");
    }

    // --- helpers -------------------------------------------------------------------------------

    private static TemplateVariables vars(String taskId) {
        return new TemplateVariables(taskId, "rule-1", "https://example.com/f.pdf", "2024-05-01T10:00:00Z",
                "dlv-1", "wh-1", RESULT, META);
    }

    private static JsonNode render(String template, TemplateVariables vars) throws InvalidTemplateException {
        return JSON.readTree(renderText(template, vars));
    }

    private static String renderText(String template, TemplateVariables vars) throws InvalidTemplateException {
        return new String(BodyTemplate.compile(template).render(vars), StandardCharsets.UTF_8);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
