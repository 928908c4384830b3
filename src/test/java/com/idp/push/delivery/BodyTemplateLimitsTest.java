package com.idp.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Renders are bounded: a byte cap enforced while streaming, and a budget of section iterations. */
class BodyTemplateLimitsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aBodyOverTheCapIsATemplateErrorThatSaysWhichLimitAndHowToFixIt() throws Exception {
        BodyTemplate template = BodyTemplate.compile("{\"data\": {{result_json}}}");
        ObjectNode result = JSON.createObjectNode().put("text", "x".repeat(5_000));

        assertThatThrownBy(() -> template.render(vars(result), new TemplateLimits(1024, 10_000)))
                .isInstanceOf(TemplateRenderException.class)
                .hasMessageContaining("larger than 1024 bytes")
                .hasMessageContaining("idp.push.templates.max-body-bytes")
                .hasMessageContaining("raise idp.push.templates.max-body-bytes")
                .hasMessageNotContaining("xxxx");
    }

    @Test
    void aBodyOfExactlyTheCapIsFineOneByteMoreIsNot() throws Exception {
        BodyTemplate template = BodyTemplate.compile("\"{{task_id}}\"");
        TemplateLimits limits = new TemplateLimits(1024, 10_000);
        // é is two bytes in UTF-8: 511 of them plus the quotes are 1024 bytes
        String fits = "é".repeat(511);

        assertThat(template.render(vars(fits), limits)).isEqualTo(("\"" + fits + "\"").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> template.render(vars(fits + "x"), limits)).isInstanceOf(TemplateRenderException.class);
    }

    @Test
    void theBodyIsEncodedAsUtf8LikeStringGetBytes() throws Exception {
        String value = "a é 日本語 😀 \uD83D"; // ends with an unpaired high surrogate

        byte[] body = BodyTemplate.compile("[{{task_id}}, \"{{task_id}}\"]").render(vars(value));

        String quoted = "\"" + value.substring(0, value.length() - 1) + "?\"";
        assertThat(body).isEqualTo(("[" + quoted + ", " + quoted + "]").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTemplateOverAHugeArrayStopsAtTheCapWithoutHoldingMore() throws Exception {
        int cap = 64 * 1024;
        BodyTemplate template = BodyTemplate.compile(
                "[{{#result_json.items}}{\"n\": {{.}}, \"pad\": \"" + "p".repeat(40) + "\"},{{/result_json.items}}null]");
        ArrayNode items = JSON.createArrayNode();
        for (int i = 0; i < 200_000; i++) {
            items.add(i);
        }
        ObjectNode result = JSON.createObjectNode().set("items", items);
        // iterations unbounded here, so only the byte cap can stop the render
        BoundedBodyWriter out = new BoundedBodyWriter(new TemplateLimits(cap, Integer.MAX_VALUE), 0);

        assertThatThrownBy(() -> template.render(vars(result), out))
                .isInstanceOf(TemplateRenderException.class)
                .hasMessageContaining("larger than " + cap + " bytes");
        // ~60 bytes per element: the render stopped about 1,100 elements in, not after 200,000 (~12 MB)
        assertThat(out.iterations()).isBetween(cap / 70, cap / 50);
        assertThat(out.capacity()).as("never held more than the cap").isLessThanOrEqualTo(cap);
    }

    @Test
    void sectionIterationsAreBoundedPerRender() throws Exception {
        // prints nothing per element, so the byte cap would never stop it
        BodyTemplate template = BodyTemplate.compile("[{{#result_json.items}}{{/result_json.items}}1]");
        ObjectNode result = JSON.createObjectNode();
        result.set("items", JSON.valueToTree(new int[10_001]));

        assertThatThrownBy(() -> template.render(vars(result)))
                .isInstanceOf(TemplateRenderException.class)
                .hasMessageContaining("more than 10000 section iterations")
                .hasMessageContaining("idp.push.templates.max-section-iterations");
    }

    @Test
    void iterationsAreCountedOverAllSectionsAndUpToTheBudgetAreFine() throws Exception {
        // element-owned nested arrays are allowed at save time; their iterations add up
        BodyTemplate template = BodyTemplate.compile(
                "[{{#result_json.items}}{{#tags}}{{.}},{{/tags}}{{/result_json.items}}0]");
        ArrayNode items = JSON.createArrayNode();
        for (int i = 0; i < 100; i++) {
            items.addObject().set("tags", JSON.valueToTree(new int[99])); // 100 + 100 * 99 = 10,000
        }
        ObjectNode result = JSON.createObjectNode().set("items", items);
        TemplateLimits limits = TemplateLimits.DEFAULT;

        JsonNode body = JSON.readTree(template.render(vars(result), limits));
        assertThat(body.size()).isEqualTo(9_901);

        ((ObjectNode) items.get(0)).set("tags", JSON.valueToTree(new int[100]));
        assertThatThrownBy(() -> template.render(vars(result), limits))
                .isInstanceOf(TemplateRenderException.class)
                .hasMessageContaining("section iterations");
    }

    @Test
    void eachRenderHasItsOwnBudget() throws Exception {
        BodyTemplate template = BodyTemplate.compile("[{{#result_json.items}}{{.}},{{/result_json.items}}0]");
        ObjectNode result = JSON.createObjectNode();
        result.set("items", JSON.valueToTree(new int[6]));
        TemplateLimits limits = new TemplateLimits(1024, 6);

        for (int i = 0; i < 3; i++) {
            assertThat(JSON.readTree(template.render(vars(result), limits)).size()).isEqualTo(7);
        }
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new TemplateLimits(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TemplateLimits(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static TemplateVariables vars(String taskId) {
        return new TemplateVariables(taskId, "r", null, null, null, null, JSON.createObjectNode(), null);
    }

    private static TemplateVariables vars(JsonNode result) {
        return new TemplateVariables("t", "r", null, null, null, null, result, null);
    }
}
