package com.idp.push.pushlog;

import java.time.Instant;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** A dead letter as the API returns it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DeadLetterView(
        long id,
        String deliveryId,
        String taskId,
        String webhookId,
        String failureReason,
        Integer lastHttpStatus,
        int retryCount,
        int attempts,
        Instant firstAttemptAt,
        Instant deadAt,
        String status,
        Instant requeuedAt) {
}
