package com.idp.push.delivery;

import tools.jackson.databind.JsonNode;

/**
 * The values an event offers to a webhook body template. Kept as plain data so the delivery
 * pipeline can build it without knowing anything about Mustache. Any component may be null;
 * a null value renders as nothing.
 *
 * @param taskId      rendered as {@code {{task_id}}} (JSON-escaped string content)
 * @param ruleId      rendered as {@code {{rule_id}}}
 * @param fileUrl     rendered as {@code {{file_url}}}
 * @param completedAt rendered as {@code {{completed_at}}}
 * @param deliveryId  rendered as {@code {{delivery_id}}}
 * @param webhookId   rendered as {@code {{webhook_id}}}
 * @param resultJson  rendered as JSON by {@code {{result_json}}}; reachable with dotted names
 * @param metaInfo    rendered as JSON by {@code {{meta_info}}}; reachable with dotted names
 */
public record TemplateVariables(String taskId, String ruleId, String fileUrl, String completedAt,
        String deliveryId, String webhookId, JsonNode resultJson, JsonNode metaInfo) {
}
