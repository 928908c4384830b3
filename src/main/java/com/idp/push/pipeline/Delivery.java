package com.idp.push.pipeline;

import java.time.Instant;
import java.util.UUID;

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
 * @param chain what started this chain of attempts, when it was not the event itself: the replay record
 *        ({@link #replayChain}) or a call of the Java API. Null for the chain the task-completed event
 *        started, and for every record written before chains were named
 */
public record Delivery(
        String deliveryId,
        String webhookId,
        TaskEvent event,
        int attempt,
        int retry,
        Instant firstAttemptAt,
        String lastFailure,
        Integer lastHttpStatus,
        String chain) {

    /** The first attempt of the chain a task-completed event starts. */
    public static Delivery first(TaskEvent event, String webhookId, Instant now) {
        return new Delivery(DeliveryIds.of(event.eventId(), webhookId), webhookId, event, 1, 0, now, null, null, null);
    }

    /**
     * The first attempt of a chain started by a call (a test push, the Java facade): every call makes
     * attempts of its own, so they must not share their push_logs rows with the event's chain or another call's.
     */
    static Delivery called(TaskEvent event, String webhookId, Instant now) {
        Delivery first = first(event, webhookId, now);
        return new Delivery(first.deliveryId, webhookId, event, 1, 0, now, null, null, "call-" + UUID.randomUUID());
    }

    /**
     * The chain a replay record starts: the record's coordinates. Two productions of the same DLQ record
     * are two records, so two chains, each making attempts of its own; the same record processed again
     * (after a crash or rebalance, before its offset was committed) is the same chain.
     */
    static String replayChain(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }

    /** The next attempt after a retryable failure, in the same chain. */
    Delivery retried(String failure, Integer httpStatus) {
        return new Delivery(deliveryId, webhookId, event, attempt + 1, retry + 1, firstAttemptAt, failure, httpStatus,
                chain);
    }

    /**
     * The idempotency key of this attempt's push_logs row: {@code <delivery id>:<attempt>}, followed by
     * {@code :<chain>} for a chain the event did not start. The attempt number alone is not enough: a DLQ
     * record replayed twice starts two chains that both begin at the same attempt number. The key stays
     * the same when the same source record is processed again, so a repeat after a crash is one row.
     */
    String attemptId() {
        String id = deliveryId + ":" + attempt;
        return chain == null ? id : id + ":" + chain;
    }

    /** The retry_count of push_logs: 0 for the very first attempt, counting every later one. */
    int retryCount() {
        return attempt - 1;
    }
}
