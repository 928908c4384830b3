package com.idp.push.pushlog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The read side of push logs and dead letters: what the operator API and the Java facade return. */
@Component
public class PushLogQueries {

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };
    private static final String DEAD_LETTER_COLUMNS = """
            id, delivery_id, task_id, webhook_id, failure_reason, last_http_status, retry_count, attempts,
            first_attempt_at, dead_at, status, requeued_at""";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;

    PushLogQueries(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** Every row of a task, oldest first (a dead-letter marker sorts after the attempt that died). */
    public List<PushLogView> logs(String taskId) {
        return jdbc.sql("select * from push_logs where task_id = ? order by created_at, id")
                .param(taskId).query(this::pushLog).list();
    }

    /**
     * Per delivery of the task (one per webhook and event): delivered when the last attempt succeeded, dead
     * when a dead letter newer than the last attempt is pending, retrying otherwise (on its way through the
     * delay topics, or re-pushed and not yet attempted).
     */
    public List<WebhookPushStatus> status(String taskId) {
        Map<String, DeliveryFold> deliveries = new LinkedHashMap<>();
        jdbc.sql("""
                select webhook_id, delivery_id, http_status, success, error_message, created_at
                  from push_logs where task_id = ? and not dead_lettered order by created_at, id""")
                .param(taskId)
                .query(rs -> {
                    fold(deliveries, rs).attempt((Integer) rs.getObject("http_status"), rs.getBoolean("success"),
                                    rs.getString("error_message"), instant(rs, "created_at"));
                });
        jdbc.sql("""
                select webhook_id, delivery_id, failure_reason, last_http_status, dead_at
                  from dead_letters where task_id = ? and status = 'pending' order by dead_at""")
                .param(taskId)
                .query(rs -> {
                    fold(deliveries, rs).pendingDeadLetter(instant(rs, "dead_at"), rs.getString("failure_reason"),
                                    (Integer) rs.getObject("last_http_status"));
                });
        List<WebhookPushStatus> result = new ArrayList<>();
        deliveries.forEach((deliveryId, fold) -> result.add(fold.toStatus(deliveryId)));
        return result;
    }

    private static DeliveryFold fold(Map<String, DeliveryFold> deliveries, ResultSet rs) throws SQLException {
        String webhookId = rs.getString("webhook_id");
        return deliveries.computeIfAbsent(rs.getString("delivery_id"), id -> new DeliveryFold(webhookId));
    }

    /** Pending dead letters, newest first, optionally of one webhook and/or one task. */
    public List<DeadLetterView> pendingDeadLetters(int limit, String webhookId, String taskId) {
        return deadLetters(limit, webhookId, taskId, null, null, "pending");
    }

    /**
     * Dead letters, newest first, optionally of one webhook and/or one task, dead within [{@code since},
     * {@code until}), and in one status ({@code pending}, {@code requeued}) or any ({@code null}).
     */
    public List<DeadLetterView> deadLetters(int limit, String webhookId, String taskId, Instant since, Instant until,
            String status) {
        return jdbc.sql("select " + DEAD_LETTER_COLUMNS + " " + """
                 from dead_letters
                 where (cast(:status as text) is null or status = :status)
                   and (cast(:webhook as text) is null or webhook_id = :webhook)
                   and (cast(:task as text) is null or task_id = :task)
                   and (cast(:since as timestamptz) is null or dead_at >= :since)
                   and (cast(:until as timestamptz) is null or dead_at < :until)
                 order by dead_at desc, id desc
                 limit :limit""")
                .param("status", status).param("webhook", webhookId).param("task", taskId)
                .param("since", since == null ? null : Timestamp.from(since))
                .param("until", until == null ? null : Timestamp.from(until))
                .param("limit", limit)
                .query(PushLogQueries::deadLetter).list();
    }

    /**
     * The seed's four monitoring figures over the last {@code hours}: attempt success rate, average attempt
     * duration, attempts per retry_count, and the number of dead letters pending now.
     */
    public PushStats stats(int hours, String webhookId) {
        Instant since = clock.instant().minus(Duration.ofHours(hours));
        Map<String, Object> totals = jdbc.sql("""
                select count(*) as attempts,
                       count(*) filter (where success) as successful,
                       avg(duration_ms)::float8 as avg_duration,
                       count(distinct delivery_id) as deliveries,
                       count(distinct delivery_id) filter (where success) as delivered
                  from push_logs
                 where created_at >= :since and not dead_lettered
                   and (cast(:webhook as text) is null or webhook_id = :webhook)""")
                .param("since", Timestamp.from(since)).param("webhook", webhookId)
                .query().singleRow();
        Map<Integer, Long> distribution = new TreeMap<>();
        jdbc.sql("""
                select retry_count, count(*) as attempts from push_logs
                 where created_at >= :since and not dead_lettered
                   and (cast(:webhook as text) is null or webhook_id = :webhook)
                 group by retry_count""")
                .param("since", Timestamp.from(since)).param("webhook", webhookId)
                .query(rs -> {
                    distribution.put(rs.getInt("retry_count"), rs.getLong("attempts"));
                });
        long dlqSize = jdbc.sql("""
                select count(*) from dead_letters where status = 'pending'
                   and (cast(:webhook as text) is null or webhook_id = :webhook)""")
                .param("webhook", webhookId).query(Long.class).single();
        long attempts = ((Number) totals.get("attempts")).longValue();
        long successful = ((Number) totals.get("successful")).longValue();
        return new PushStats(hours, webhookId, attempts, successful,
                attempts == 0 ? null : (double) successful / attempts,
                ((Number) totals.get("deliveries")).longValue(), ((Number) totals.get("delivered")).longValue(),
                (Double) totals.get("avg_duration"), distribution, dlqSize);
    }

    private PushLogView pushLog(ResultSet rs, int row) throws SQLException {
        return new PushLogView(rs.getLong("id"), rs.getString("task_id"), rs.getString("webhook_id"),
                rs.getString("delivery_id"), rs.getInt("retry_count"), (Integer) rs.getObject("http_status"),
                rs.getString("request_url"), headers(rs.getString("request_headers")), rs.getString("request_body"),
                headers(rs.getString("response_headers")), rs.getString("response_body"), rs.getLong("duration_ms"),
                rs.getBoolean("success"), rs.getString("outcome"), rs.getString("error_message"), rs.getString("stage"),
                rs.getBoolean("dead_lettered"), instant(rs, "created_at"));
    }

    static DeadLetterView deadLetter(ResultSet rs, int row) throws SQLException {
        return new DeadLetterView(rs.getLong("id"), rs.getString("delivery_id"), rs.getString("task_id"),
                rs.getString("webhook_id"), rs.getString("failure_reason"), (Integer) rs.getObject("last_http_status"),
                rs.getInt("retry_count"), rs.getInt("attempts"), instant(rs, "first_attempt_at"), instant(rs, "dead_at"),
                rs.getString("status"), instant(rs, "requeued_at"));
    }

    private Map<String, String> headers(String stored) {
        return stored == null ? Map.of() : json.readValue(stored, HEADERS);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    /** Folds one delivery's attempts and pending dead letter into its status. */
    private static final class DeliveryFold {
        private final String webhookId;
        private int attempts;
        private Integer lastHttpStatus;
        private boolean lastSucceeded;
        private String lastError;
        private Instant lastAttemptAt;
        private Instant deadAt;

        DeliveryFold(String webhookId) {
            this.webhookId = webhookId;
        }

        void attempt(Integer httpStatus, boolean success, String error, Instant at) {
            attempts++;
            lastHttpStatus = httpStatus;
            lastSucceeded = success;
            lastError = error;
            lastAttemptAt = at;
        }

        void pendingDeadLetter(Instant at, String reason, Integer httpStatus) {
            deadAt = at;
            if (attempts == 0) {
                lastError = reason;
                lastHttpStatus = httpStatus;
            }
        }

        WebhookPushStatus toStatus(String deliveryId) {
            // A dead letter replayed with Kafka tooling stays pending in the table; a later attempt wins.
            boolean dead = deadAt != null && (lastAttemptAt == null || !deadAt.isBefore(lastAttemptAt));
            String status = dead ? "dead" : lastSucceeded ? "delivered" : "retrying";
            return new WebhookPushStatus(webhookId, deliveryId, status, attempts, lastHttpStatus, lastAttemptAt,
                    lastSucceeded ? null : lastError);
        }
    }
}
