package com.idp.push.pipeline;

import java.time.Instant;
import java.util.Map;

import com.idp.push.event.TaskEvent;

/**
 * One attempt as published to the attempt-log topic: a {@code push_logs} row (SPEC §5) in waiting.
 * Header values that carry secrets or signatures are already redacted.
 *
 * @param attemptId delivery id, attempt number and, for a chain the event did not start, the chain
 *        ({@link Delivery#attemptId()}): the same attempt published twice is one row, two attempts are two
 * @param outcome {@code delivered}, {@code retrying} or {@code dead}
 * @param stage where the attempt was made: {@code intake}, a delay topic's name, {@code replay} or {@code api}
 * @param requestBody the body sent, as JSON, or cut at the cap as text ({@link LoggedRequestBody})
 * @param requestBodyTruncated whether {@code requestBody} was cut, so is text rather than JSON
 * @param event the task's event, on a delivery's first attempt only (stored per task so that a delivery
 *        can later be dead-lettered by task id); null otherwise
 */
public record AttemptLog(
        String attemptId,
        String taskId,
        String webhookId,
        String deliveryId,
        int retryCount,
        Integer httpStatus,
        String requestUrl,
        Map<String, String> requestHeaders,
        String requestBody,
        boolean requestBodyTruncated,
        Map<String, String> responseHeaders,
        String responseBody,
        long durationMs,
        boolean success,
        String outcome,
        String errorMessage,
        String stage,
        Instant createdAt,
        TaskEvent event) {

    /**
     * This attempt without its bodies and event, and an error message that says so: what is left to log when
     * the whole record is too large for the attempt topic. The rest (ids, status, headers, outcome, timing)
     * is small, so the push_logs row still shows that the attempt was made and how it ended.
     */
    AttemptLog reduced(String why) {
        String note = "attempt log reduced: " + why;
        return new AttemptLog(attemptId, taskId, webhookId, deliveryId, retryCount, httpStatus, requestUrl,
                requestHeaders, null, false, responseHeaders, null, durationMs, success, outcome,
                errorMessage == null ? note : errorMessage + " [" + note + "]", stage, createdAt, null);
    }
}
