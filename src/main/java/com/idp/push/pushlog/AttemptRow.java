package com.idp.push.pushlog;

import java.time.Instant;

/**
 * One {@code push_logs} row ready to insert: text already cleaned of characters Postgres refuses,
 * header maps already serialised to JSON.
 *
 * @param event the task's event JSON when the attempt carried it (first attempts), else null
 */
record AttemptRow(
        String attemptId,
        String taskId,
        String webhookId,
        String deliveryId,
        int retryCount,
        Integer httpStatus,
        String requestUrl,
        String requestHeadersJson,
        String requestBody,
        String responseHeadersJson,
        String responseBody,
        long durationMs,
        boolean success,
        String outcome,
        String errorMessage,
        String stage,
        boolean deadLettered,
        Instant createdAt,
        String event) {
}
