package com.idp.push.pushlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Inserts {@code push_logs} rows (and the task events some carry) idempotently: a row whose attempt id
 * is already stored is skipped, so a batch stored twice after a crash, or an attempt made again by the
 * successor of a killed process, leaves one row per attempt.
 */
final class PushLogStore {

    /**
     * The attempt of a killed process is made again by its successor with the same attempt id but a later
     * start, so the partition key alone does not make it one row: the {@code not exists} finds an earlier
     * row of that attempt id within a day either side (the successor repeats it within minutes), and the
     * unique key catches the same record stored twice. A task's attempt records share a partition of the
     * attempts topic and so one sink at a time, so the check does not race another writer.
     *
     * <p>One statement per batch, its columns bound as arrays: as a statement per row (the JDBC driver cannot
     * rewrite an insert from a select into one), each row was planned and executed on its own against every
     * day partition, and Postgres spent more CPU per delivery than the whole delivery engine
     * (docs/performance.md, as deployed).
     */
    private static final String INSERT_LOGS = """
            insert into push_logs (attempt_id, task_id, webhook_id, delivery_id, retry_count, http_status,
                request_url, request_headers, request_body, response_headers, response_body, duration_ms,
                success, outcome, error_message, stage, dead_lettered, created_at)
            select v.attempt_id, v.task_id, v.webhook_id, v.delivery_id, v.retry_count, v.http_status, v.request_url,
                cast(v.request_headers as jsonb), v.request_body, cast(v.response_headers as jsonb), v.response_body,
                v.duration_ms, v.success, v.outcome, v.error_message, v.stage, v.dead_lettered, v.created_at
            from unnest(cast(? as text[]), cast(? as text[]), cast(? as text[]), cast(? as text[]),
                cast(? as integer[]), cast(? as integer[]), cast(? as text[]), cast(? as text[]), cast(? as text[]),
                cast(? as text[]), cast(? as text[]), cast(? as bigint[]), cast(? as boolean[]), cast(? as text[]),
                cast(? as text[]), cast(? as text[]), cast(? as boolean[]), cast(? as timestamptz[]))
                as v (attempt_id, task_id, webhook_id, delivery_id, retry_count, http_status, request_url,
                      request_headers, request_body, response_headers, response_body, duration_ms, success,
                      outcome, error_message, stage, dead_lettered, created_at)
            where not exists (select 1 from push_logs p where p.attempt_id = v.attempt_id
                and p.created_at >= v.created_at - interval '1 day' and p.created_at <= v.created_at + interval '1 day')
            on conflict (attempt_id, created_at) do nothing""";

    private static final String UPSERT_EVENT = """
            insert into task_events (task_id, event, updated_at) values (?, ?, ?)
            on conflict (task_id) do update set event = excluded.event, updated_at = excluded.updated_at
            where task_events.updated_at <= excluded.updated_at""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    PushLogStore(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** All rows in one transaction: all stored, or none. */
    void insert(List<AttemptRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        transactions.executeWithoutResult(status -> {
            List<AttemptRow> unique = firstOfEachAttempt(rows);
            jdbc.update(connection -> {
                PreparedStatement ps = connection.prepareStatement(INSERT_LOGS);
                bindColumns(connection, ps, unique);
                return ps;
            });
            List<AttemptRow> withEvents = latestEventPerTask(rows);
            if (!withEvents.isEmpty()) {
                jdbc.batchUpdate(UPSERT_EVENT, withEvents, withEvents.size(), (ps, row) -> {
                    ps.setString(1, row.taskId());
                    ps.setString(2, row.event());
                    ps.setTimestamp(3, Timestamp.from(row.createdAt()));
                });
            }
        });
    }

    /**
     * Every first attempt carries its task's event, so an event fanned out to ten webhooks arrives ten
     * times in a batch: one upsert per task, of the newest, is enough.
     */
    private static List<AttemptRow> latestEventPerTask(List<AttemptRow> rows) {
        Map<String, AttemptRow> latest = new LinkedHashMap<>();
        for (AttemptRow row : rows) {
            if (row.event() != null) {
                latest.merge(row.taskId(), row, (kept, next) -> next.createdAt().isBefore(kept.createdAt()) ? kept : next);
            }
        }
        return List.copyOf(latest.values());
    }

    /**
     * One statement does not see its own rows in {@code not exists}: of the same attempt twice in one batch
     * (stored again after a crash, or made again by a successor within a day) only the first is kept, as the
     * statement per row used to keep it.
     */
    static List<AttemptRow> firstOfEachAttempt(List<AttemptRow> rows) {
        Map<String, List<AttemptRow>> byAttempt = new LinkedHashMap<>();
        List<AttemptRow> kept = new ArrayList<>(rows.size());
        for (AttemptRow row : rows) {
            List<AttemptRow> same = byAttempt.computeIfAbsent(row.attemptId(), id -> new ArrayList<>(1));
            boolean withinADay = same.stream().anyMatch(earlier ->
                    Duration.between(earlier.createdAt(), row.createdAt()).abs().compareTo(Duration.ofDays(1)) <= 0);
            if (!withinADay) {
                same.add(row);
                kept.add(row);
            }
        }
        return kept;
    }

    private static void bindColumns(Connection connection, PreparedStatement ps, List<AttemptRow> rows) throws SQLException {
        int n = rows.size();
        String[][] text = new String[12][n];
        Integer[] retryCount = new Integer[n];
        Integer[] httpStatus = new Integer[n];
        Long[] durationMs = new Long[n];
        Boolean[] success = new Boolean[n];
        Boolean[] deadLettered = new Boolean[n];
        Timestamp[] createdAt = new Timestamp[n];
        for (int i = 0; i < n; i++) {
            AttemptRow row = rows.get(i);
            text[0][i] = row.attemptId();
            text[1][i] = row.taskId();
            text[2][i] = row.webhookId();
            text[3][i] = row.deliveryId();
            text[4][i] = row.requestUrl();
            text[5][i] = row.requestHeadersJson();
            text[6][i] = row.requestBody();
            text[7][i] = row.responseHeadersJson();
            text[8][i] = row.responseBody();
            text[9][i] = row.outcome();
            text[10][i] = row.errorMessage();
            text[11][i] = row.stage();
            retryCount[i] = row.retryCount();
            httpStatus[i] = row.httpStatus();
            durationMs[i] = row.durationMs();
            success[i] = row.success();
            deadLettered[i] = row.deadLettered();
            createdAt[i] = Timestamp.from(row.createdAt());
        }
        ps.setArray(1, connection.createArrayOf("text", text[0]));
        ps.setArray(2, connection.createArrayOf("text", text[1]));
        ps.setArray(3, connection.createArrayOf("text", text[2]));
        ps.setArray(4, connection.createArrayOf("text", text[3]));
        ps.setArray(5, connection.createArrayOf("integer", retryCount));
        ps.setArray(6, connection.createArrayOf("integer", httpStatus));
        ps.setArray(7, connection.createArrayOf("text", text[4]));
        ps.setArray(8, connection.createArrayOf("text", text[5]));
        ps.setArray(9, connection.createArrayOf("text", text[6]));
        ps.setArray(10, connection.createArrayOf("text", text[7]));
        ps.setArray(11, connection.createArrayOf("text", text[8]));
        ps.setArray(12, connection.createArrayOf("bigint", durationMs));
        ps.setArray(13, connection.createArrayOf("boolean", success));
        ps.setArray(14, connection.createArrayOf("text", text[9]));
        ps.setArray(15, connection.createArrayOf("text", text[10]));
        ps.setArray(16, connection.createArrayOf("text", text[11]));
        ps.setArray(17, connection.createArrayOf("boolean", deadLettered));
        ps.setArray(18, connection.createArrayOf("timestamptz", createdAt));
    }
}
