package com.idp.push.pushlog;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import com.idp.push.delivery.CappedBody;
import com.idp.push.delivery.DeliveryIds;
import com.idp.push.delivery.PushResult;
import com.idp.push.delivery.RedactedHeaders;
import com.idp.push.event.ParsedEvent;
import com.idp.push.event.TaskEventParser;
import com.idp.push.pipeline.PushService;
import com.idp.push.webhook.AuthConfig;
import com.idp.push.webhook.Webhook;
import com.idp.push.webhook.WebhookRegistry;

import tools.jackson.databind.json.JsonMapper;

/**
 * The Java facade over push logs and dead letters, mirroring the seed's calls for code that embeds
 * idp-push. The operator API uses the same queries and re-push underneath.
 */
@Service
public class PushLogService {

    static final int MAX_STORED_BODY_CHARS = 65_536;

    private final PushLogStore store;
    private final PushLogQueries queries;
    private final DeadLetterRequeuer requeuer;
    private final PushService pushes;
    private final TaskEventParser parser;
    private final WebhookRegistry webhooks;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    PushLogService(PushLogStore store, PushLogQueries queries, DeadLetterRequeuer requeuer, PushService pushes,
            TaskEventParser parser, WebhookRegistry webhooks, JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.store = store;
        this.queries = queries;
        this.requeuer = requeuer;
        this.pushes = pushes;
        this.parser = parser;
        this.webhooks = webhooks;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Records an attempt made outside the pipeline, synchronously, with the same redaction (auth and
     * signature headers) and body cap as the pipeline's own rows.
     */
    public void savePushLog(PushLogEntry entry) {
        PushResult result = entry.result();
        AuthConfig auth = webhooks.find(entry.webhookId()).map(Webhook::auth).orElse(null);
        String deliveryId = entry.deliveryId() != null ? entry.deliveryId()
                : DeliveryIds.of("manual-" + UUID.randomUUID(), entry.webhookId());
        store.insert(List.of(new AttemptRow("manual:" + UUID.randomUUID(), Sql.clean(entry.taskId()),
                Sql.clean(entry.webhookId()), deliveryId, entry.retryCount(), result.httpStatus(),
                Sql.clean(entry.requestUrl()), json.writeValueAsString(RedactedHeaders.of(entry.requestHeaders(), auth)),
                Sql.clean(capped(entry.requestBody())), "{}", Sql.clean(capped(result.responseBody())),
                result.durationMs(), result.success(), result.success() ? "delivered" : "failed",
                Sql.clean(result.errorMessage()), "manual", false, clock.instant(), null)));
    }

    /** Every attempt and dead-letter marker of the task, oldest first. */
    public List<PushLogView> getPushLogs(String taskId) {
        return queries.logs(taskId);
    }

    /**
     * Dead-letters the task's delivery to a webhook now. The event is the one the pipeline last logged for
     * the task; the dead letter appears in {@link #getDlqTasks} once the DLQ sink has stored it.
     *
     * @throws IllegalStateException when no event of the task is known (it never reached the pipeline, or
     *         retention removed it)
     */
    public void moveToDlq(String taskId, String webhookId, String failureReason, int retryCount) {
        String event = jdbc.sql("select event from task_events where task_id = ?").param(taskId)
                .query(String.class).optional()
                .orElseThrow(() -> new IllegalStateException("no event is stored for task '" + taskId + "'"));
        if (!(parser.parse(event.getBytes(StandardCharsets.UTF_8)) instanceof ParsedEvent.Valid valid)) {
            throw new IllegalStateException("the stored event of task '" + taskId + "' is no longer valid");
        }
        pushes.moveToDlq(valid.event(), webhookId, failureReason, retryCount);
    }

    /** Pending dead letters, newest first. */
    public List<DeadLetterView> getDlqTasks(int limit) {
        return queries.pendingDeadLetters(limit, null, null);
    }

    /**
     * Re-pushes the task's pending dead letters (all, or one webhook's when {@code webhookId} is not null).
     *
     * @return what was re-pushed; empty when nothing was pending
     */
    public List<DeadLetterView> retryDlqTask(String taskId, String webhookId) {
        return requeuer.requeue(taskId, webhookId);
    }

    static String capped(String text) {
        if (text == null || text.length() <= MAX_STORED_BODY_CHARS) {
            return text;
        }
        return text.substring(0, MAX_STORED_BODY_CHARS) + CappedBody.TRUNCATION_MARK;
    }
}
