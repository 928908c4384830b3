package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import com.idp.push.support.IntegrationTest;
import com.idp.push.support.TestInfrastructure;

/**
 * What the sink's idempotent insert costs Postgres, on a day partition as every UTC day starts one: fresh and
 * not yet analysed. Measured with Postgres's own counters (index and table tuples read for the partition), not
 * with a clock, so the figure does not depend on the machine. Also what the insert must keep doing: one row per
 * attempt, whether the same attempt comes twice in a batch, again in a later batch (a batch stored twice, or the
 * attempt made again by a killed process's successor), or more than a day apart (two rows).
 *
 * <p>The day lies far in the future, so retention leaves it alone and no other test writes to it.
 */
class PushLogStoreIT extends IntegrationTest {

    private static final String DAY = "2031-03-14";
    private static final String PARTITION = "push_logs_p20310314";
    private static final Instant START = Instant.parse(DAY + "T08:00:00Z");
    private static final int ROWS = 10_000;
    private static final int BATCH = 100;
    private static final int FAN_OUT = 10;

    private SingleConnectionDataSource single;
    private PushLogStore store;

    @BeforeEach
    void freshDayPartition() throws SQLException {
        TestInfrastructure infra = TestInfrastructure.get();
        Connection connection = DriverManager.getConnection(infra.jdbcUrl(), infra.dbUser(), infra.dbPassword());
        // one connection, as a sink thread holds one while it stores batches, so its cached plans are the ones used
        single = new SingleConnectionDataSource(connection, true);
        JdbcTemplate jdbcTemplate = new JdbcTemplate(single);
        jdbcTemplate.execute("drop table if exists " + PARTITION);
        jdbcTemplate.execute("create table " + PARTITION + " partition of push_logs for values from ('" + DAY
                + "T00:00:00Z') to ('2031-03-15T00:00:00Z')");
        store = new PushLogStore(jdbcTemplate, new TransactionTemplate(new DataSourceTransactionManager(single)));
    }

    @AfterEach
    void dropDay() {
        new JdbcTemplate(single).execute("drop table if exists " + PARTITION);
        single.destroy();
    }

    @Test
    void storingADayFromItsFirstRowReadsAFewIndexEntriesPerRowNotTheWholeDay() {
        for (int stored = 0; stored < ROWS; stored += BATCH) {
            List<AttemptRow> batch = new ArrayList<>(BATCH);
            for (int i = stored; i < stored + BATCH; i++) {
                batch.add(row("dlv_" + i + ":1", START.plusMillis(i / 3), i / FAN_OUT));
            }
            store.insert(batch);
        }

        long[] read = tuplesRead();
        double perRow = (double) (read[0] + read[1]) / ROWS;
        System.out.printf("[push-log-store] %d rows in batches of %d into a fresh day partition: %d index and %d"
                + " table tuples read, %.1f per row stored%n", ROWS, BATCH, read[0], read[1], perRow);
        assertThat(count()).isEqualTo(ROWS);
        // each row probes for an earlier row of its attempt id: a few entries of one index, whatever the day's size
        assertThat(perRow).as("tuples read per row stored").isLessThan(5);
    }

    @Test
    void anAttemptStoredAgainWithinADayIsOneRowAndMoreThanADayApartTwo() {
        AttemptRow first = row("dlv_a:1", START, 1);
        AttemptRow sameRecord = row("dlv_a:1", START, 1);
        AttemptRow successor = row("dlv_a:1", START.plus(Duration.ofMinutes(3)), 1);
        AttemptRow other = row("dlv_b:1", START, 2);
        store.insert(List.of(first, other, sameRecord, successor));
        store.insert(List.of(sameRecord, successor, other));
        assertThat(count()).as("one row per attempt within a day, in one batch or the next").isEqualTo(2);

        store.insert(List.of(row("dlv_c:1", START, 3), row("dlv_c:1", START.plus(Duration.ofHours(15)), 3)));
        assertThat(count()).as("a day partition holds one day: 15 h apart is still within a day").isEqualTo(3);
        assertThat(new JdbcTemplate(single).queryForObject("select created_at = ? from " + PARTITION
                + " where attempt_id = 'dlv_a:1'", Boolean.class, java.sql.Timestamp.from(START))).as("the first kept")
                .isTrue();
    }

    private long count() {
        return new JdbcTemplate(single).queryForObject("select count(*) from " + PARTITION, Long.class);
    }

    /** Index entries and table tuples (sequential scans) read for the partition, flushed from this connection's backend. */
    private long[] tuplesRead() {
        JdbcTemplate jdbcTemplate = new JdbcTemplate(single);
        jdbcTemplate.execute("select pg_stat_force_next_flush()");
        jdbcTemplate.execute("select pg_stat_clear_snapshot()");
        return jdbcTemplate.queryForObject("""
                select (select coalesce(sum(idx_tup_read), 0) from pg_stat_user_indexes where relname = ?),
                       (select coalesce(sum(seq_tup_read), 0) from pg_stat_user_tables where relname = ?)""",
                (rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}, PARTITION, PARTITION);
    }

    private static AttemptRow row(String attemptId, Instant createdAt, int task) {
        String delivery = attemptId.substring(0, attemptId.indexOf(':'));
        return new AttemptRow(attemptId, "T_" + task, "WH_" + (task % FAN_OUT), delivery, 0, 200,
                "https://hooks.example/in", "{\"content-type\":\"application/json\"}", "{\"task_id\":\"T_" + task + "\"}",
                "{\"content-length\":\"2\"}", "ok", 3, true, "delivered", null, "intake", false, createdAt, null);
    }
}
