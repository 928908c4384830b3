package com.idp.push.pipeline;

import java.time.Instant;

import com.idp.push.event.TaskEvent;

/**
 * The value of an {@code idp.push.dlq} record (SPEC §4): everything needed to understand the failure
 * and to replay the delivery by producing this record, unchanged, to {@code idp.push.replay}.
 *
 * @param retryCount retries made in the last retry budget (e.g. 3)
 * @param attempts attempts made in all, replays included
 */
public record DeadLetter(
        String deliveryId,
        String taskId,
        String webhookId,
        TaskEvent event,
        int retryCount,
        int attempts,
        String failureReason,
        Integer lastHttpStatus,
        Instant firstAttemptAt,
        Instant deadAt) {
}
