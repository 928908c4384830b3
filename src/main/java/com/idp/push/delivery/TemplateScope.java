package com.idp.push.delivery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the root scope a body template renders against: the names of the product contract
 * mapped to event values (or, when a template is saved, to hostile sample values).
 */
final class TemplateScope {

    static final String TASK_ID = "task_id";
    static final String RULE_ID = "rule_id";
    static final String FILE_URL = "file_url";
    static final String COMPLETED_AT = "completed_at";
    static final String DELIVERY_ID = "delivery_id";
    static final String WEBHOOK_ID = "webhook_id";
    static final String RESULT_JSON = "result_json";
    static final String META_INFO = "meta_info";

    static final List<String> NAMES = List.of(TASK_ID, RULE_ID, FILE_URL, COMPLETED_AT,
            DELIVERY_ID, WEBHOOK_ID, RESULT_JSON, META_INFO);

    /**
     * A string that breaks any template which does not keep string values inside a JSON string:
     * quotes, backslashes, control characters, JSON punctuation, non-BMP and CJK characters and
     * something that looks like a Mustache tag.
     */
    static final String HOSTILE_STRING = "\"}, \"x\": {\" \\ \\\" \n\r\t\b\f \u0000\u0001\u001f\u007f "
            + "\u2028\u2029 é 日本語 😀 ] [ , : {{task_id}} </script>";

    private TemplateScope() {
    }

    static Map<String, Object> of(TemplateVariables vars) {
        // Null values are kept (not omitted) so a missing value renders as nothing.
        Map<String, Object> scope = new HashMap<>(16);
        scope.put(TASK_ID, vars.taskId());
        scope.put(RULE_ID, vars.ruleId());
        scope.put(FILE_URL, vars.fileUrl());
        scope.put(COMPLETED_AT, vars.completedAt());
        scope.put(DELIVERY_ID, vars.deliveryId());
        scope.put(WEBHOOK_ID, vars.webhookId());
        scope.put(RESULT_JSON, JsonView.of(vars.resultJson()));
        scope.put(META_INFO, JsonView.of(vars.metaInfo()));
        return scope;
    }

    /** The scope used to check a template when it is saved; see {@link SampleValue}. */
    static Map<String, Object> sample() {
        Map<String, Object> scope = new HashMap<>(16);
        for (String name : NAMES) {
            scope.put(name, HOSTILE_STRING);
        }
        scope.put(RESULT_JSON, SampleValue.OBJECT);
        scope.put(META_INFO, SampleValue.OBJECT);
        return scope;
    }
}
