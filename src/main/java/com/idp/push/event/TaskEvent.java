package com.idp.push.event;

import java.util.List;

import tools.jackson.databind.node.ObjectNode;

/**
 * A validated {@code task-completed} event (SPEC §1).
 *
 * @param raw the event as received, unknown fields included; the DLQ record carries it unchanged
 * @param eventId the producer's {@code event_id}, or the default derived from task id and completion time
 * @param webhookIds the optional filter; empty means every webhook of the rule
 */
public record TaskEvent(
        String taskId,
        String ruleId,
        ObjectNode resultJson,
        String fileUrl,
        ObjectNode metaInfo,
        String eventId,
        String completedAt,
        List<String> webhookIds,
        ObjectNode raw) {

    public TaskEvent {
        webhookIds = webhookIds == null ? List.of() : List.copyOf(webhookIds);
    }
}
