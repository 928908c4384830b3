package com.idp.push.pushlog;

import java.time.Instant;
import java.util.Map;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** One {@code push_logs} row as the API returns it (SPEC §5). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PushLogView(
        long id,
        String taskId,
        String webhookId,
        String deliveryId,
        int retryCount,
        Integer httpStatus,
        String requestUrl,
        Map<String, String> requestHeaders,
        String requestBody,
        Map<String, String> responseHeaders,
        String responseBody,
        long durationMs,
        boolean success,
        String outcome,
        String errorMessage,
        String stage,
        boolean deadLettered,
        Instant createdAt) {
}
