package com.idp.push.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.idp.push.delivery.PushResult;
import com.idp.push.event.TaskEvent;
import com.idp.push.webhook.Webhook;
import com.idp.push.webhook.WebhookEntry;

/**
 * The Java facade for code that embeds idp-push, mirroring the seed API. Every push made here is
 * signed, logged to the attempt log and counted exactly like one made by the pipeline.
 *
 * <p>The blocking methods wait for the attempt (bounded by the webhook's timeout) and for Kafka's
 * acknowledgement of what was written; call them from request or worker threads, never from an event loop.
 */
public final class PushService {

    private final DeliveryProcessor processor;

    PushService(DeliveryProcessor processor) {
        this.processor = processor;
    }

    /** One signed attempt now; no retry, no dead letter. An unloadable webhook gives a failed result naming why. */
    public PushResult pushToWebhook(TaskEvent task, WebhookEntry webhook) {
        return pushToWebhookAsync(task, webhook, "api").join();
    }

    /**
     * One attempt now; on a retryable failure the delivery continues through the delay topics, and a
     * failure that will not be retried goes to the DLQ, as in the pipeline.
     *
     * @return the result of the first attempt
     */
    public PushResult pushWithRetry(TaskEvent task, Webhook webhook) {
        return pushWithRetryAsync(task, webhook).join();
    }

    /** {@link #pushWithRetry} to every webhook concurrently; results in the order of {@code webhooks}. */
    public List<PushResult> batchPush(TaskEvent task, List<Webhook> webhooks) {
        List<CompletableFuture<PushResult>> pushes = webhooks.stream().map(w -> pushWithRetryAsync(task, w)).toList();
        return pushes.stream().map(CompletableFuture::join).toList();
    }

    /**
     * Dead-letters the task's delivery to a webhook now, as if its last retry had failed: the DLQ record
     * is published (and stored by the DLQ sink), ready for re-push.
     *
     * @param retryCount retries already made (the DLQ record's retry_count)
     */
    public void moveToDlq(TaskEvent task, String webhookId, String failureReason, int retryCount) {
        Delivery delivery = Delivery.first(task, webhookId, Instant.now());
        processor.deadLetter(delivery, retryCount, retryCount + 1, failureReason, null, "manual").join();
    }

    public CompletableFuture<PushResult> pushToWebhookAsync(TaskEvent task, WebhookEntry webhook, String stage) {
        Delivery delivery = Delivery.called(task, webhook.id(), Instant.now());
        return processor.attempt(delivery, webhook).thenCompose(result ->
                processor.logOnly(result, webhook, stage).thenApply(logged -> result.pushResult()));
    }

    public CompletableFuture<PushResult> pushWithRetryAsync(TaskEvent task, Webhook webhook) {
        Delivery delivery = Delivery.called(task, webhook.id(), Instant.now());
        return processor.attempt(delivery, webhook).thenCompose(result ->
                processor.route(result, webhook, "api").thenApply(routed -> result.pushResult()));
    }
}
