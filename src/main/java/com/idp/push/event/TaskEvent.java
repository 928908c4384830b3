package com.idp.push.event;

import java.util.List;
import java.util.Objects;

import tools.jackson.databind.node.ObjectNode;

/**
 * A validated {@code task-completed} event (SPEC §1).
 *
 * @param raw the event as received, unknown fields included; the DLQ record carries it unchanged
 * @param eventId the producer's {@code event_id}, or the default derived from task id and completion time
 * @param webhookIds the optional filter; empty means every webhook of the rule
 * @param json {@code raw} as the bytes it was parsed from (UTF-8, a JSON object, byte order mark removed) when
 *        it was a record of its own, so logging it copies bytes instead of serialising the tree again; null when
 *        it came inside another record (a retry, a replay). Not copied: nothing may change it. Left out of
 *        equality: it is another form of {@code raw}, and an event read back from a delay record has none
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
        ObjectNode raw,
        byte[] json) {

    public TaskEvent {
        webhookIds = webhookIds == null ? List.of() : List.copyOf(webhookIds);
    }

    /** An event that came inside another record: no bytes of its own. */
    public TaskEvent(String taskId, String ruleId, ObjectNode resultJson, String fileUrl, ObjectNode metaInfo,
            String eventId, String completedAt, List<String> webhookIds, ObjectNode raw) {
        this(taskId, ruleId, resultJson, fileUrl, metaInfo, eventId, completedAt, webhookIds, raw, null);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TaskEvent e && taskId.equals(e.taskId) && ruleId.equals(e.ruleId)
                && Objects.equals(resultJson, e.resultJson) && Objects.equals(fileUrl, e.fileUrl)
                && Objects.equals(metaInfo, e.metaInfo) && Objects.equals(eventId, e.eventId)
                && Objects.equals(completedAt, e.completedAt) && webhookIds.equals(e.webhookIds)
                && Objects.equals(raw, e.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(taskId, ruleId, resultJson, fileUrl, metaInfo, eventId, completedAt, webhookIds, raw);
    }

    @Override
    public String toString() {
        return "TaskEvent[taskId=" + taskId + ", ruleId=" + ruleId + ", eventId=" + eventId + "]";
    }
}
