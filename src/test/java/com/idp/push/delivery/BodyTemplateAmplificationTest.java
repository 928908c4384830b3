package com.idp.push.delivery;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Templates that print event data once per array element are refused when saved. */
class BodyTemplateAmplificationTest {

    @Test
    void refusesTheWholeObjectInsideASectionOverAnArray() {
        assertThatThrownBy(() -> BodyTemplate.compile("""
                {"items": [
                {{#result_json.items}}{"item": {{.}}, "all": {{result_json}}},{{/result_json.items}}
                null]}"""))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("{{result_json}} (line 2) inside the section {{#result_json.items}} (line 2)")
                .hasMessageContaining("a whole event object once per element")
                .hasMessageContaining("amplification")
                .hasMessageContaining("Print it outside the section");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[{{#result_json.items}}{{meta_info}},{{/result_json.items}}null]",
            "[{{#result_json.items}}\"{{result_json}}\",{{/result_json.items}}null]",
            "[{{#meta_info.a.b}}{{{result_json}}},{{/meta_info.a.b}}null]",
            // deeper: inside an inverted section and a field section within the loop
            "[{{#result_json.items}}{{^x}}{{#y}}{{result_json}}{{/y}}{{/x}},{{/result_json.items}}null]"})
    void refusesWholeObjectsAnywhereInsideALoop(String source) {
        assertThatThrownBy(() -> BodyTemplate.compile(source))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("a whole event object once per element");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[{{#result_json.items}}{{result_json.items}},{{/result_json.items}}null]",
            "[{{#result_json.a.items}}{{result_json.a}},{{/result_json.a.items}}null]"})
    void refusesPrintingTheIteratedArrayPerElement(String source) {
        assertThatThrownBy(() -> BodyTemplate.compile(source))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("the array being iterated once per element");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[{{#result_json.items}}{{#result_json.items}}1,{{/result_json.items}}{{/result_json.items}}null]",
            "[{{#result_json.items}}{{#meta_info.tags}}1,{{/meta_info.tags}}{{/result_json.items}}null]",
            "[{{#result_json.items}}{{#tags}}{{#result_json}}1,{{/result_json}}{{/tags}}{{/result_json.items}}null]"})
    void refusesLoopsOverEventDataInsideLoops(String source) {
        assertThatThrownBy(() -> BodyTemplate.compile(source))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("runs over event data once per element of an array")
                .hasMessageContaining("product");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // fields of the element, root strings, unrelated dotted names
            "[{{#result_json.items}}{\"n\": {{name}}, \"t\": \"{{task_id}}\", \"c\": {{result_json.currency}}, \"e\": {{.}}},{{/result_json.items}}null]",
            // the element's own arrays, and conditionals within the loop
            "[{{#result_json.items}}[{{#tags}}{{.}},{{/tags}}0],{{#price}}{{price}},{{/price}}{{/result_json.items}}null]",
            // the whole objects outside loops, and sections over them (they run once)
            "{\"r\": {{result_json}}, \"m\": {{meta_info}}, \"x\": {{#result_json}}{{.}}{{/result_json}}}",
            // a conditional at the root printing a scalar of the root object
            "{\"a\": {{#result_json.ok}}{{result_json.amount}}{{/result_json.ok}}{{^result_json.ok}}0{{/result_json.ok}}}",
            // inverted sections run at most once
            "{{^result_json.items}}{\"r\": {{result_json}}}{{/result_json.items}}{{#result_json.items}}1{{/result_json.items}}"})
    void acceptsTemplatesThatGrowLinearlyWithTheEvent(String source) {
        assertThatCode(() -> BodyTemplate.compile(source)).doesNotThrowAnyException();
    }
}
