package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import com.idp.push.support.TestInfrastructure;

import tools.jackson.databind.json.JsonMapper;

/**
 * push_logs at scale (issue 16): a table of {@code bench.rows} rows (default 10 M) over 30 day partitions in a
 * schema of its own, then what the service does with it, timed: the sink's batched insert, a task's log, the
 * 24 h stats, and retention dropping one expired day against deleting the same number of rows one by one.
 * Not part of the default build (the name matches neither *Test nor *IT); run it with
 * {@code ./mvnw verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=PushLogScaleBenchmark}.
 */
class PushLogScaleBenchmark {

    private static final long ROWS = Long.getLong("bench.rows", 10_000_000L);
    private static final int DAYS = 30;
    private static final int INSERT_BATCHES = 200;
    private static final int BATCH = 500;

    @Test
    void pushLogsAtTenMillionRows() throws Exception {
        String schema = "scale_" + UUID.randomUUID().toString().substring(0, 8);
        TestInfrastructure db = TestInfrastructure.get();
        Flyway.configure().dataSource(db.jdbcUrl(), db.dbUser(), db.dbPassword()).schemas(schema)
                .locations("classpath:db/migration").load().migrate();
        DriverManagerDataSource source = new DriverManagerDataSource(
                db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema, db.dbUser(), db.dbPassword());
        JdbcClient jdbc = JdbcClient.create(source);
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(source));
        Instant now = Instant.now();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        try {
            for (int back = DAYS; back >= 1; back--) {
                new PushLogPartitions(jdbc, transactions, Clock.fixed(now.minus(Duration.ofDays(back)), ZoneOffset.UTC)).createAhead();
            }
            long fillStart = System.nanoTime();
            // rows spread evenly over the last 30 days; 100 attempts per task; ~600 bytes each
            jdbc.sql("""
                    insert into push_logs (attempt_id, task_id, webhook_id, delivery_id, retry_count, http_status, request_url,
                        request_headers, request_body, response_headers, response_body, duration_ms, success, outcome, stage, created_at)
                    select 'dlv_' || g || ':1', 'T_' || (g / 100), 'WH_' || (g % 50), 'dlv_' || g, (g % 4), 200,
                        'https://receiver.example/hook', '{"Content-Type":"application/json","X-IDP-Signature":"***"}',
                        '{"event":"task.completed","task_id":"T_' || (g / 100) || '","result_json":{"invoice_no":"INV-' || g || '","amount":12.5,"lines":["a","b","c"]}}',
                        '{"Content-Type":"text/plain"}', 'ok', 5 + g % 200, (g % 10) <> 0, 'delivered', 'intake',
                        now() - interval '30 days' * (g::double precision / :rows) + interval '1 minute'
                      from generate_series(1, :rows) g""").param("rows", ROWS).update();
            jdbc.sql("analyze push_logs").update();
            double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
            long count = jdbc.sql("select count(*) from push_logs").query(Long.class).single();
            assertThat(count).isEqualTo(ROWS);

            // the sink's insert, as PushLogStore does it, on top of the full table
            PushLogStore store = new PushLogStore(new JdbcTemplate(source), transactions);
            long insertStart = System.nanoTime();
            for (int b = 0; b < INSERT_BATCHES; b++) {
                List<AttemptRow> rows = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++) {
                    rows.add(new AttemptRow("new_" + b + "_" + i + ":1", "T_NEW_" + b, "WH_" + (i % 50), "new_" + b + "_" + i, 0,
                            200, "https://receiver.example/hook", "{}", "{\"event\":\"task.completed\"}", "{}", "ok", 7, true,
                            "delivered", null, "intake", false, Instant.now(), null));
                }
                store.insert(rows);
            }
            double insertSeconds = (System.nanoTime() - insertStart) / 1e9;

            PushLogQueries queries = new PushLogQueries(jdbc, JsonMapper.builder().build(), Clock.systemUTC());
            String task = "T_" + (ROWS / 2 / 100);
            double logsMs = median(() -> queries.logs(task).size());
            assertThat(queries.logs(task)).hasSize(100);
            double statsMs = median(() -> queries.stats(24, null));
            double statsWebhookMs = median(() -> queries.stats(24, "WH_7"));

            // retention: the oldest whole day dropped, against deleting as many rows one batch at a time
            List<LocalDate> days = new PushLogPartitions(jdbc, transactions, Clock.systemUTC()).days();
            List<LocalDate> filled = days.stream().filter(day ->
                    jdbc.sql("select exists (select 1 from " + PushLogPartitions.name(day) + ")").query(Boolean.class).single())
                    .toList();
            LocalDate oldest = filled.get(1); // the first filled day may be partly filled: the second is a whole day
            LocalDate next = filled.get(2);
            long oldestRows = jdbc.sql("select count(*) from " + PushLogPartitions.name(oldest)).query(Long.class).single();
            long nextRows = jdbc.sql("select count(*) from " + PushLogPartitions.name(next)).query(Long.class).single();
            // the partly filled first day goes first, so the drop timed below is of one whole day
            jdbc.sql("delete from push_logs where created_at < cast(? as timestamptz)").param(oldest + "T00:00:00Z").update();
            long dropStart = System.nanoTime();
            new PushLogPartitions(jdbc, transactions, Clock.systemUTC()).dropBefore(next);
            double dropMs = (System.nanoTime() - dropStart) / 1e6;
            long deleteStart = System.nanoTime();
            long deleted = 0;
            while (true) {
                int n = jdbc.sql("delete from push_logs where id in (select id from " + PushLogPartitions.name(next)
                        + " limit 5000)").update();
                deleted += n;
                if (n < 5000) {
                    break;
                }
            }
            double deleteMs = (System.nanoTime() - deleteStart) / 1e6;

            System.out.printf("%nPUSH_LOGS AT SCALE: %,d rows over %d day partitions, filled in %.0f s (%,.0f rows/s server-side)%n"
                    + "  sink insert on the full table: %,d rows in batches of %d: %.1f s, %,.0f rows/s%n"
                    + "  push-logs of one task (100 rows): median %.1f ms; stats over 24 h: median %.1f ms (one webhook: %.1f ms)%n"
                    + "  retention of one day: drop partition of %,d rows %.0f ms; row-by-row delete of %,d rows %.0f ms (%.0fx)%n%n",
                    ROWS, days.size(), fillSeconds, ROWS / fillSeconds, (long) INSERT_BATCHES * BATCH, BATCH, insertSeconds,
                    INSERT_BATCHES * BATCH / insertSeconds, logsMs, statsMs, statsWebhookMs, oldestRows, dropMs, deleted,
                    deleteMs, deleteMs / Math.max(dropMs, 0.1));
            assertThat(deleted).isEqualTo(nextRows);
        } finally {
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.dbUser(), db.dbPassword());
                    Statement s = c.createStatement()) {
                s.execute("drop schema if exists " + schema + " cascade");
            }
        }
    }

    private static double median(Supplier<?> query) {
        query.get(); // warm
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            long start = System.nanoTime();
            query.get();
            ms.add((System.nanoTime() - start) / 1e6);
        }
        ms.sort(Double::compare);
        return ms.get(ms.size() / 2);
    }
}
