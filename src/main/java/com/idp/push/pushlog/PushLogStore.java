package com.idp.push.pushlog;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Inserts {@code push_logs} rows (and the task events some carry) idempotently: a row whose attempt id
 * is already stored is skipped, so a batch stored twice after a crash, or an attempt made again by the
 * successor of a killed process, leaves one row per attempt.
 */
final class PushLogStore {

    /**
     * The attempt of a killed process is made again by its successor with the same attempt id but a later
     * start, so the partition key alone does not make it one row: {@link #notYetStored} leaves out a row when a
     * row of its attempt id lies within a day either side (the successor repeats it within minutes), and the
     * unique key catches the same record stored twice. A task's attempt records share a partition of the
     * attempts topic and so one sink at a time, so the check does not race another writer.
     *
     * <p>A plain insert, which the JDBC driver sends as multi-row statements (reWriteBatchedInserts). It used to
     * carry the check itself, as {@code not exists} per row: a statement per row, whose plan, cached while the
     * day's partition was new and not yet analysed, found earlier rows through the {@code created_at} index and
     * so read every row of the day for each row stored (PushLogStoreIT: 10,000 rows read 50 M index entries), for
     * the first minute or so of every UTC day, until autovacuum analysed the partition.
     */
    private static final String INSERT_LOG = """
            insert into push_logs (attempt_id, task_id, webhook_id, delivery_id, retry_count, http_status,
                request_url, request_headers, request_body, response_headers, response_body, duration_ms,
                success, outcome, error_message, stage, dead_lettered, created_at)
            values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, cast(? as jsonb), ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (attempt_id, created_at) do nothing""";

    /**
     * The rows already stored of a batch's attempt ids, within a day of the batch: one statement per batch, which
     * finds them through the {@code (attempt_id, created_at)} key (the ids are given, the day is a range). Planned
     * for its values each time ({@link #CUSTOM_PLAN}): a plan cached for any values takes a range of unknown
     * bounds for half a percent of the rows, whatever the statistics say, and so prefers the {@code created_at}
     * index, reading the whole day for each batch.
     */
    private static final String STORED_ATTEMPTS = """
            select attempt_id, created_at from push_logs
             where attempt_id = any(?) and created_at >= ? and created_at <= ?""";

    private static final String CUSTOM_PLAN = "set local plan_cache_mode = force_custom_plan";
    private static final String CACHED_PLAN = "set local plan_cache_mode = auto";

    /** How far apart two rows of one attempt id may lie and still be the same attempt. */
    private static final Duration SAME_ATTEMPT = Duration.ofDays(1);

    private static final String UPSERT_EVENT = """
            insert into task_events (task_id, event, updated_at) values (?, ?, ?)
            on conflict (task_id) do update set event = excluded.event, updated_at = excluded.updated_at
            where task_events.updated_at <= excluded.updated_at""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final DayPartitionStatistics statistics;

    PushLogStore(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.statistics = new DayPartitionStatistics(jdbc);
    }

    /** All rows in one transaction: all stored, or none. */
    void insert(List<AttemptRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        transactions.executeWithoutResult(status -> {
            List<AttemptRow> fresh = notYetStored(rows);
            if (!fresh.isEmpty()) {
                jdbc.batchUpdate(INSERT_LOG, fresh, fresh.size(), PushLogStore::bindLog);
            }
            List<AttemptRow> withEvents = latestEventPerTask(rows);
            if (!withEvents.isEmpty()) {
                jdbc.batchUpdate(UPSERT_EVENT, withEvents, withEvents.size(), (ps, row) -> {
                    ps.setString(1, row.taskId());
                    ps.setString(2, row.event());
                    ps.setTimestamp(3, Timestamp.from(row.createdAt()));
                });
            }
        });
        statistics.stored(rows);
    }

    /**
     * The rows of the batch to insert: one per attempt, the first, leaving out those whose attempt id already has
     * a row within a day, stored before or earlier in the batch.
     */
    private List<AttemptRow> notYetStored(List<AttemptRow> rows) {
        Instant earliest = rows.stream().map(AttemptRow::createdAt).min(Instant::compareTo).orElseThrow();
        Instant latest = rows.stream().map(AttemptRow::createdAt).max(Instant::compareTo).orElseThrow();
        Map<String, List<Instant>> seen = new HashMap<>();
        jdbc.execute(CUSTOM_PLAN);
        jdbc.query(connection -> {
            PreparedStatement ps = connection.prepareStatement(STORED_ATTEMPTS);
            ps.setArray(1, connection.createArrayOf("text", rows.stream().map(AttemptRow::attemptId).distinct().toArray()));
            ps.setTimestamp(2, Timestamp.from(earliest.minus(SAME_ATTEMPT)));
            ps.setTimestamp(3, Timestamp.from(latest.plus(SAME_ATTEMPT)));
            return ps;
        }, (RowCallbackHandler) rs -> seen.computeIfAbsent(rs.getString(1), id -> new ArrayList<>(1))
                .add(rs.getTimestamp(2).toInstant()));
        jdbc.execute(CACHED_PLAN);
        List<AttemptRow> fresh = new ArrayList<>(rows.size());
        for (AttemptRow row : rows) {
            List<Instant> same = seen.computeIfAbsent(row.attemptId(), id -> new ArrayList<>(1));
            if (same.stream().noneMatch(at -> Duration.between(at, row.createdAt()).abs().compareTo(SAME_ATTEMPT) <= 0)) {
                same.add(row.createdAt());
                fresh.add(row);
            }
        }
        return fresh;
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
