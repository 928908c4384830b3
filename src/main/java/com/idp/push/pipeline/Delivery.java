package com.idp.push.pipeline;

import java.time.Instant;

import com.idp.push.delivery.DeliveryIds;
import com.idp.push.event.TaskEvent;

/**
 * One (event, webhook) pair on its way through the attempts; what a delay topic record carries.
 *
 * @param attempt the number of the attempt about to be made, 1-based and never reset (X-IDP-Attempt)
 * @param retry retries already made within the current retry budget (0 for a first attempt or a replay)
 * @param firstAttemptAt when the first attempt of this delivery was made
 * @param lastFailure why the previous attempt failed, or null
 * @param lastHttpStatus the previous attempt's HTTP status, or null
 */
public record Delivery(
        String deliveryId,
        String webhookId,
        TaskEvent event,
        int attempt,
        int retry,
        Instant firstAttemptAt,
        String lastFailure,
        Integer lastHttpStatus) {

    public static Delivery first(TaskEvent event, String webhookId, Instant now) {
        return new Delivery(DeliveryIds.of(event.eventId(), webhookId), webhookId, event, 1, 0, now, null, null);
    }

    /** The next attempt after a retryable failure. */
    Delivery retried(String failure, Integer httpStatus) {
        return new Delivery(deliveryId, webhookId, event, attempt + 1, retry + 1, firstAttemptAt, failure, httpStatus);
    }

    /** The retry_count of push_logs: 0 for the very first attempt, counting every later one. */
    int retryCount() {
        return attempt - 1;
    }
}
