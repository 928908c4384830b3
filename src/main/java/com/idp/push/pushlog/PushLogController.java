package com.idp.push.pushlog;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The operator API over push logs and dead letters (SPEC §6). The API token filter guards it. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Push logs and dead letters")
class PushLogController {

    static final int MAX_LIMIT = 1000;
    static final int MAX_HOURS = 24 * 366;
    static final List<String> DLQ_STATUSES = List.of("pending", "requeued", "all");

    private final PushLogQueries queries;
    private final DeadLetterRequeuer requeuer;

    PushLogController(PushLogQueries queries, DeadLetterRequeuer requeuer) {
        this.queries = queries;
        this.requeuer = requeuer;
    }

    @GetMapping("/tasks/{taskId}/push-logs")
    @Operation(summary = "Every attempt and dead letter of a task, oldest first")
    TaskLogs pushLogs(@PathVariable String taskId) {
        return new TaskLogs(taskId, queries.logs(taskId));
    }

    @GetMapping("/tasks/{taskId}/push-status")
    @Operation(summary = "Per delivery (webhook): delivered, retrying or dead")
    TaskStatus pushStatus(@PathVariable String taskId) {
        return new TaskStatus(taskId, queries.status(taskId));
    }

    @GetMapping("/dlq")
    @Operation(summary = "Dead letters, newest first: pending ones by default; filter by webhook, task, time "
            + "(dead_at in [since, until), ISO-8601 instants) and status (pending, requeued or all)")
    DeadLetters deadLetters(@RequestParam(defaultValue = "100") int limit,
            @RequestParam(name = "webhook_id", required = false) String webhookId,
            @RequestParam(name = "task_id", required = false) String taskId,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) String until,
            @RequestParam(defaultValue = "pending") String status) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidParameterException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (!DLQ_STATUSES.contains(status)) {
            throw new InvalidParameterException("status", "must be one of " + DLQ_STATUSES);
        }
        return new DeadLetters(queries.deadLetters(limit, blankToNull(webhookId), blankToNull(taskId),
                instant("since", since), instant("until", until), "all".equals(status) ? null : status));
    }

    @PostMapping("/tasks/{taskId}/retry-push")
    @Operation(summary = "Re-push the task's pending dead letters (all, or one webhook's) through the replay topic")
    Requeued retryPush(@PathVariable String taskId,
            @RequestParam(name = "webhook_id", required = false) String webhookId) {
        List<DeadLetterView> requeued = requeuer.requeue(taskId, blankToNull(webhookId));
        if (requeued.isEmpty()) {
            throw new NothingToRequeueException(taskId, blankToNull(webhookId));
        }
        return new Requeued(taskId, requeued);
    }

    @GetMapping("/stats")
    @Operation(summary = "Success rate, average duration, retry-count distribution and DLQ size")
    PushStats stats(@RequestParam(defaultValue = "24") int hours,
            @RequestParam(name = "webhook_id", required = false) String webhookId) {
        if (hours < 1 || hours > MAX_HOURS) {
            throw new InvalidParameterException("hours", "must be between 1 and " + MAX_HOURS);
        }
        return queries.stats(hours, blankToNull(webhookId));
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException(name, "must be an ISO-8601 instant such as 2025-12-14T10:00:00Z");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TaskLogs(String taskId, List<PushLogView> logs) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TaskStatus(String taskId, List<WebhookPushStatus> webhooks) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DeadLetters(List<DeadLetterView> deadLetters) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Requeued(String taskId, List<DeadLetterView> requeued) {
    }
}
