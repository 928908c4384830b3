package com.idp.push.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import com.idp.push.delivery.DeliveryRequest;
import com.idp.push.delivery.EndpointGuards;
import com.idp.push.delivery.Exchange;
import com.idp.push.delivery.HttpSender;
import com.idp.push.delivery.OutcomeClassifier;
import com.idp.push.delivery.RedactedHeaders;
import com.idp.push.delivery.RequestFactory;
import com.idp.push.delivery.TemplateRenderException;
import com.idp.push.delivery.Verdict;
import com.idp.push.webhook.UnloadableWebhook;
import com.idp.push.webhook.Webhook;
import com.idp.push.webhook.WebhookEntry;
import com.idp.push.webhook.WebhookRegistry;

import reactor.core.scheduler.Schedulers;

/**
 * Makes one attempt of a delivery and hands its outcome on: every attempt to the attempt log, a
 * retryable failure with budget left to the delay topic of its next retry, anything else that failed to
 * the DLQ. The returned future completes once all of that is acknowledged by Kafka: only then may the
 * source record's offset be committed. Thread-safe; attempts run concurrently on the HTTP client's
 * event loops.
 */
public final class DeliveryProcessor {

    private static final Logger attempts = LoggerFactory.getLogger("idp.push.attempts");
    private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);
    /** Reactor's pool for blocking work, already running for the HTTP client; used only on the rare reduced path. */
    private static final Executor MAY_BLOCK = task -> Schedulers.boundedElastic().schedule(task);

    private final WebhookRegistry registry;
    private final RequestFactory requests;
    private final HttpSender sender;
    private final EndpointGuards guards;
    private final OutcomeClassifier classifier;
    private final PipelineTopics topics;
    private final PipelineCodec codec;
    private final OutboundProducer producer;
    private final DeliveryMetrics metrics;
    private final Clock clock;
    private final int maxLoggedRequestBodyBytes;
    private final WorkMemory work;

    DeliveryProcessor(WebhookRegistry registry, RequestFactory requests, HttpSender sender, EndpointGuards guards,
            OutcomeClassifier classifier, PipelineTopics topics, PipelineCodec codec, OutboundProducer producer,
            DeliveryMetrics metrics, Clock clock, int maxLoggedRequestBodyBytes, WorkMemory work) {
        this.work = work;
        this.registry = registry;
        this.requests = requests;
        this.sender = sender;
        this.guards = guards;
        this.classifier = classifier;
        this.topics = topics;
        this.codec = codec;
        this.producer = producer;
        this.metrics = metrics;
        this.clock = clock;
        this.maxLoggedRequestBodyBytes = maxLoggedRequestBodyBytes;
    }

    /**
     * Attempts a delivery against the webhook as it is now, then routes the outcome, produced only while
     * {@code lease} (the source partition's) is held.
     */
    CompletableFuture<Void> process(Delivery delivery, String stage, PartitionLease lease) {
        Optional<WebhookEntry> webhook = registry.lookup(delivery.webhookId());
        if (webhook.isEmpty() || !webhook.get().enabled()) {
            String reason = webhook.isEmpty() ? "webhook " + delivery.webhookId() + " no longer exists"
                    : "webhook " + delivery.webhookId() + " is disabled";
            return lease.produceIfHeld(() ->
                    deadLetter(delivery, delivery.retry(), delivery.attempt() - 1, reason, null, "webhook-unavailable"));
        }
        return process(delivery, webhook.get(), stage, lease, true);
    }

    /**
     * As {@link #process(Delivery, String, PartitionLease)} with the webhook already looked up (fan-out at intake).
     *
     * @param logsEvent whether the attempt log of a first attempt carries the event (stored once per task, so
     *        that a delivery can later be dead-lettered by task id): one delivery of a fanned-out record is
     *        enough, and with ten webhooks the other nine copies were nine times the event through the
     *        producer, the broker and the log sink for nothing
     */
    CompletableFuture<Void> process(Delivery delivery, WebhookEntry webhook, String stage, PartitionLease lease,
            boolean logsEvent) {
        return attempt(delivery, webhook).thenCompose(result -> route(result, webhook, stage, lease, logsEvent));
    }

    /**
     * One attempt, nothing routed: the caller decides what to do with the result. A webhook the registry
     * could not load is an attempt that sends nothing and fails naming the problem ({@link UnloadableAttempt}).
     *
     * <p>The endpoint admits the attempt before its request is built: an attempt its circuit breaker refuses
     * (or its bulkhead, after the slot wait) sends nothing, so it renders and signs nothing either. Behind a
     * dead endpoint every delivery is refused on each of its attempts, and building those requests (a body as
     * large as the event, two HMACs over it) was most of the work of an instance beside one: with 300 KB events
     * and one hanging webhook of three, more than half of all requests built were never sent (MemoryBoundIT).
     * A template that cannot render for this event is therefore found only when the endpoint admits an attempt.
     */
    CompletableFuture<AttemptResult> attempt(Delivery delivery, WebhookEntry entry) {
        Instant started = clock.instant();
        if (entry instanceof UnloadableWebhook broken) {
            Exchange failed = UnloadableAttempt.of(broken);
            return CompletableFuture.completedFuture(
                    new AttemptResult(delivery, null, failed, classifier.classify(failed), started));
        }
        Webhook webhook = (Webhook) entry;
        // completed at once on this thread, or, after a wait for a slot, on the guards' hand-off pool (CPU work
        // only): the request is built on whichever thread admits it, never on an HTTP event loop
        return guards.admitWaiting(webhook.id(), webhook.url().toString())
                .thenCompose(admission -> admitted(delivery, webhook, admission, started));
    }

    private CompletableFuture<AttemptResult> admitted(Delivery delivery, Webhook webhook,
            EndpointGuards.Admission admission, Instant started) {
        if (admission instanceof EndpointGuards.Admission.Refused refused) {
            return unsent(delivery, refused.failure(), refused.reason(), started);
        }
        EndpointGuards.Pass pass = ((EndpointGuards.Admission.Admitted) admission).pass();
        DeliveryRequest request;
        try {
            request = requests.build(delivery.event(), delivery.deliveryId(), webhook, delivery.attempt(), clock.instant());
        } catch (TemplateRenderException e) {
            pass.unused();
            return unsent(delivery, Exchange.Failure.TEMPLATE, "template error: " + e.getMessage(), started);
        } catch (RuntimeException e) {
            pass.unused();
            // e.g. an unusable signing secret: a configuration problem no retry can fix
            return unsent(delivery, Exchange.Failure.INVALID_REQUEST, "request could not be built: " + e.getMessage(), started);
        }
        // the body is held from here until its exchange ends
        long bodyBytes = request.body().length;
        work.reserve(bodyBytes);
        return sender.send(webhook.id(), request, pass.givenUp()).thenApply(exchange -> {
            pass.done(exchange);
            return new AttemptResult(delivery, request, exchange, classifier.classify(exchange), started);
        }).whenComplete((result, error) -> work.release(bodyBytes));
    }

    private CompletableFuture<AttemptResult> unsent(Delivery delivery, Exchange.Failure failure, String message,
            Instant started) {
        Exchange failed = new Exchange.NoResponse(failure, message, 0);
        return CompletableFuture.completedFuture(
                new AttemptResult(delivery, null, failed, classifier.classify(failed), started));
    }

    /** As {@link #route(AttemptResult, WebhookEntry, String, PartitionLease)} for work of no partition (the API). */
    CompletableFuture<Void> route(AttemptResult result, WebhookEntry webhook, String stage) {
        return route(result, webhook, stage, PartitionLease.NONE);
    }

    /**
     * Publishes the attempt log and, after a failure, the retry or dead letter, while {@code lease} is held;
     * after the source partition was revoked, nothing (the new owner attempts the delivery again).
     */
    CompletableFuture<Void> route(AttemptResult result, WebhookEntry webhook, String stage, PartitionLease lease) {
        return route(result, webhook, stage, lease, true);
    }

    private CompletableFuture<Void> route(AttemptResult result, WebhookEntry webhook, String stage, PartitionLease lease,
            boolean logsEvent) {
        CompletableFuture<Void> routed = lease.produceIfHeld(() -> routeNow(result, webhook, stage, logsEvent));
        if (routed.isCompletedExceptionally() && !lease.held()) {
            metrics.outcomeDropped("partition-revoked");
        }
        return routed;
    }

    private CompletableFuture<Void> routeNow(AttemptResult result, WebhookEntry webhook, String stage, boolean logsEvent) {
        Delivery delivery = result.delivery();
        Verdict verdict = result.verdict();
        if (verdict instanceof Verdict.NotSent) {
            return defer(delivery);
        }
        String outcome;
        CompletableFuture<Void> next;
        if (verdict instanceof Verdict.Success) {
            outcome = "delivered";
            next = CompletableFuture.completedFuture(null);
        } else if (verdict instanceof Verdict.Retryable retryable && topics.retryPolicy().canRetry(delivery.retry())) {
            outcome = "retrying";
            next = scheduleRetry(delivery.retried(verdict.reason(), result.httpStatus()), retryable.retryAfter());
        } else {
            outcome = "dead";
            next = deadLetter(delivery, delivery.retry(), delivery.attempt(), verdict.reason(), result.httpStatus(),
                    verdict instanceof Verdict.Fatal ? "fatal" : "retries-exhausted");
        }
        return CompletableFuture.allOf(publishAttempt(result, webhook, outcome, stage, logsEvent), next);
    }

    /** Publishes the attempt log only: for one-off pushes (API test deliveries) that are not retried. */
    CompletableFuture<Void> logOnly(AttemptResult result, WebhookEntry webhook, String stage) {
        String outcome = result.verdict() instanceof Verdict.Success ? "delivered" : "failed";
        return publishAttempt(result, webhook, outcome, stage, true);
    }

    private CompletableFuture<Void> publishAttempt(AttemptResult result, WebhookEntry webhook, String outcome, String stage,
            boolean logsEvent) {
        Delivery delivery = result.delivery();
        AttemptLog entry = attemptLog(result, webhook, outcome, stage, logsEvent);
        logAttempt(entry, delivery.attempt(), routine(result));
        metrics.attempt(outcome, stage, entry.durationMs());
        byte[] value = codec.encodeAttempt(entry);
        // the reduced log is sent off the thread that saw the failure (the producer's I/O thread when the broker refused
        // the record); OutboundProducer.send only queues now, so this is a precaution, not a need
        return sendAttempt(entry, value).exceptionallyComposeAsync(error -> tooLarge(error)
                ? reducedAttempt(entry, value.length, error) : CompletableFuture.failedFuture(error), MAY_BLOCK);
    }

    private CompletableFuture<Void> sendAttempt(AttemptLog entry, byte[] value) {
        return producer.send(topics.attempts(), entry.taskId(), value,
                OutboundProducer.headers(PipelineHeaders.DELIVERY_ID, entry.deliveryId()));
    }

    /**
     * An attempt log too large to write (over the producer's max.request.size or the attempt topic's
     * max.message.bytes: the event and request body of a large result) is written again without its bodies
     * and event. It is as large on every try, so failing the record for it would rewind the partition to the
     * same record forever, repeating the delivery and holding up every record behind it; the attempt log
     * records the outcome, it must not stop the outcome (the retry or dead letter, sent beside it) from
     * counting. Should even that be too large, the log is dropped, loudly and counted. Any other failure (the
     * broker away) still fails the record, as before.
     */
    private CompletableFuture<Void> reducedAttempt(AttemptLog entry, int size, Throwable error) {
        String why = "the record of " + size + " bytes is too large for " + topics.attempts()
                + "; request and response bodies and the event are not stored";
        log.warn("Attempt log {} of task={} webhook={} is too large ({} bytes, {}): writing it without bodies and event",
                entry.attemptId(), entry.taskId(), entry.webhookId(), size, cause(error).toString());
        return sendAttempt(entry, codec.encodeAttempt(entry.reduced(why)))
                .thenRun(() -> metrics.attemptLogTooLarge("reduced"))
                .exceptionallyCompose(again -> {
                    if (!tooLarge(again)) {
                        return CompletableFuture.failedFuture(again);
                    }
                    metrics.attemptLogTooLarge("dropped");
                    log.error("Attempt log {} of task={} webhook={} DROPPED: too large even without bodies and event"
                            + " ({}); the delivery's outcome stands, its push_logs row is missing", entry.attemptId(),
                            entry.taskId(), entry.webhookId(), cause(again).toString());
                    return CompletableFuture.completedFuture(null);
                });
    }

    private static boolean tooLarge(Throwable error) {
        Throwable cause = cause(error);
        return cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException;
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /**
     * An attempt the endpoint's bulkhead refused was never made: the delivery waits in the first delay topic
     * with its attempt number and retry budget unchanged, and no attempt is logged. A burst to one busy
     * endpoint is thereby queued in Kafka instead of spending retries; an endpoint that is down rather than
     * busy opens its circuit breaker, whose refusals do count as attempts.
     */
    private CompletableFuture<Void> defer(Delivery delivery) {
        metrics.deferred("endpoint-busy");
        return toDelayTopic(delivery, topics.retryPolicy().delayBefore(0, null));
    }

    private CompletableFuture<Void> scheduleRetry(Delivery next, Duration retryAfter) {
        return toDelayTopic(next, topics.retryPolicy().delayBefore(next.retry() - 1, retryAfter));
    }

    /** Parks the delivery in the delay topic for {@code wait}, due then (the idp-due-at header). */
    private CompletableFuture<Void> toDelayTopic(Delivery next, Duration wait) {
        Instant due = clock.instant().plus(wait);
        return producer.send(topics.retryPolicy().topicFor(wait), next.event().taskId(), codec.encodeDelivery(next),
                OutboundProducer.headers(
                        PipelineHeaders.DUE_AT, Long.toString(due.toEpochMilli()),
                        PipelineHeaders.DELIVERY_ID, next.deliveryId(),
                        PipelineHeaders.WEBHOOK_ID, next.webhookId(),
                        PipelineHeaders.ATTEMPT, Integer.toString(next.attempt())));
    }

    /**
     * @param retriesMade retries made in the current budget (the DLQ record's retry_count)
     * @param attemptsMade attempts made in all, so that a replay keeps counting from there
     * @param category a small fixed set, for the metric tag
     */
    CompletableFuture<Void> deadLetter(Delivery delivery, int retriesMade, int attemptsMade, String reason,
            Integer httpStatus, String category) {
        Instant now = clock.instant();
        DeadLetter dead = new DeadLetter(delivery.deliveryId(), delivery.event().taskId(), delivery.webhookId(),
                delivery.event(), retriesMade, attemptsMade, reason, httpStatus,
                delivery.firstAttemptAt(), now);
        metrics.deadLettered(category);
        log.info("Dead-lettered delivery={} task={} webhook={} retries={} reason={}", delivery.deliveryId(),
                delivery.event().taskId(), delivery.webhookId(), retriesMade, reason);
        return producer.send(topics.dlq(), delivery.event().taskId(), codec.encodeDeadLetter(dead),
                OutboundProducer.headers(
                        PipelineHeaders.FAILURE_REASON, reason,
                        PipelineHeaders.RETRY_COUNT, Integer.toString(retriesMade),
                        PipelineHeaders.DELIVERY_ID, delivery.deliveryId(),
                        PipelineHeaders.WEBHOOK_ID, delivery.webhookId()));
    }

    private AttemptLog attemptLog(AttemptResult result, WebhookEntry webhook, String outcome, String stage,
            boolean logsEvent) {
        Delivery delivery = result.delivery();
        DeliveryRequest request = result.request();
        Exchange exchange = result.exchange();
        Exchange.Response response = exchange instanceof Exchange.Response r ? r : null;
        boolean success = result.verdict() instanceof Verdict.Success;
        LoggedRequestBody body = request == null ? null : LoggedRequestBody.of(request.body(), maxLoggedRequestBodyBytes);
        return new AttemptLog(
                delivery.attemptId(),
                delivery.event().taskId(),
                delivery.webhookId(),
                delivery.deliveryId(),
                delivery.retryCount(),
                response == null ? null : response.status(),
                requestUrl(webhook),
                // a request is built only for a loaded webhook
                request == null ? Map.of() : RedactedHeaders.of(request.headers(), ((Webhook) webhook).auth()),
                body == null ? null : body.text(),
                body != null && body.truncated(),
                response == null ? Map.of() : response.headers(),
                response == null ? null : response.body(),
                exchange.durationMs(),
                success,
                outcome,
                success ? null : result.verdict().reason(),
                stage,
                result.startedAt(),
                logsEvent && delivery.attempt() == 1 ? delivery.event() : null);
    }

    /** The URL as stored when the webhook could not be loaded: the attempt row still says where it would have gone. */
    private static String requestUrl(WebhookEntry webhook) {
        return webhook instanceof Webhook loaded ? loaded.url().toString() : ((UnloadableWebhook) webhook).url();
    }

    /**
     * One line per failed attempt at INFO, successes and attempts the circuit breaker refused at DEBUG:
     * every attempt is in push_logs and the metrics anyway, and at thousands per second a line per success
     * (or per refusal of a dead endpoint) costs CPU and buries the failures an operator is looking for.
     * Set the {@code idp.push.attempts} logger to DEBUG to see them all.
     */
    private static void logAttempt(AttemptLog entry, int attempt, boolean routine) {
        Level level = routine ? Level.DEBUG : Level.INFO;
        if (attempts.isEnabledForLevel(level)) {
            attempts.atLevel(level).log(
                    "attempt task={} webhook={} delivery={} attempt={} stage={} outcome={} status={} duration_ms={}{}",
                    entry.taskId(), entry.webhookId(), entry.deliveryId(), attempt, entry.stage(), entry.outcome(),
                    entry.httpStatus(), entry.durationMs(),
                    entry.errorMessage() == null ? "" : " error=\"" + entry.errorMessage() + "\"");
        }
    }

    private static boolean routine(AttemptResult result) {
        return result.verdict() instanceof Verdict.Success
                || result.exchange() instanceof Exchange.NoResponse none && none.failure() == Exchange.Failure.CIRCUIT_OPEN;
    }
}
