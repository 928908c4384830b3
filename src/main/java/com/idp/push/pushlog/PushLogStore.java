package com.idp.push.pushlog;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
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
     */
    private static final String INSERT_LOG = """
            insert into push_logs (attempt_id, task_id, webhook_id, delivery_id, retry_count, http_status,
                request_url, request_headers, request_body, response_headers, response_body, duration_ms,
                success, outcome, error_message, stage, dead_lettered, created_at)
            select v.* from (values (cast(? as text), cast(? as text), cast(? as text), cast(? as text),
                cast(? as integer), cast(? as integer), cast(? as text), cast(? as jsonb), cast(? as text),
                cast(? as jsonb), cast(? as text), cast(? as bigint), cast(? as boolean), cast(? as text),
                cast(? as text), cast(? as text), cast(? as boolean), cast(? as timestamptz)))
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
            jdbc.batchUpdate(INSERT_LOG, rows, rows.size(), PushLogStore::bindLog);
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

    private static void bindLog(PreparedStatement ps, AttemptRow row) throws SQLException {
        ps.setString(1, row.attemptId());
        ps.setString(2, row.taskId());
        ps.setString(3, row.webhookId());
        ps.setString(4, row.deliveryId());
        ps.setInt(5, row.retryCount());
        if (row.httpStatus() == null) {
            ps.setNull(6, Types.INTEGER);
        } else {
            ps.setInt(6, row.httpStatus());
        }
        ps.setString(7, row.requestUrl());
        ps.setString(8, row.requestHeadersJson());
        ps.setString(9, row.requestBody());
        ps.setString(10, row.responseHeadersJson());
        ps.setString(11, row.responseBody());
        ps.setLong(12, row.durationMs());
        ps.setBoolean(13, row.success());
        ps.setString(14, row.outcome());
        ps.setString(15, row.errorMessage());
        ps.setString(16, row.stage());
        ps.setBoolean(17, row.deadLettered());
        ps.setTimestamp(18, Timestamp.from(row.createdAt()));
    }
}
