package com.idp.push.pushlog;

import java.time.Instant;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Where a task's delivery to one webhook stands.
 *
 * @param status {@code delivered} (the last attempt succeeded), {@code dead} (a dead letter is pending),
 *        or {@code retrying} (still on its way, or re-pushed)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WebhookPushStatus(
        String webhookId,
        String deliveryId,
        String status,
        int attempts,
        Integer lastHttpStatus,
        Instant lastAttemptAt,
        String lastError) {
}
