package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import com.idp.push.support.IntegrationTest;

/**
 * push_logs is partitioned by UTC day (V5): the week ahead is created, an expired day is dropped whole, a
 * day still inside the retention period is kept, and the same attempt stored twice is one row. The days
 * used lie far in the past so no other test's rows share them.
 */
class PushLogPartitionsIT extends IntegrationTest {

    @Autowired
    private TransactionTemplate transactions;

    @Autowired
    private JdbcTemplate jdbcTemplate;

    @Test
    void expiredDaysAreDroppedWholeAndTheWeekAheadIsCreated() {
        Instant past = Instant.parse("2019-03-10T12:00:00Z");
        PushLogPartitions then = new PushLogPartitions(jdbc, transactions, Clock.fixed(past, ZoneOffset.UTC));
        assertThat(then.createAhead()).as("2019-03-09 to 2019-03-17").isEqualTo(PushLogPartitions.DAYS_AHEAD + 2);
        String webhook = unique("WH");
        log(webhook, Instant.parse("2019-03-09T23:59:59Z"));
        log(webhook, Instant.parse("2019-03-10T00:00:00Z"));
        log(webhook, Instant.parse("2019-03-11T08:00:00Z"));
        assertThat(partitionOf(webhook, "2019-03-10T00:00:00Z")).isEqualTo("push_logs_p20190310");

        // retention 30 days, run on 2019-04-10 10:00: the cutoff is 2019-03-11 10:00, so the days of the 9th and
        // the 10th are past it whole and dropped; the 11th is kept, with its rows, until the next day's run
        Instant now = Instant.parse("2019-04-10T10:00:00Z");
        PushLogRetention retention = new PushLogRetention(jdbc, transactions,
                new RetentionProperties(30, Duration.ofHours(1), Duration.ofMinutes(1), 1000), Clock.fixed(now, ZoneOffset.UTC));
        Map<String, Long> removed = retention.removeExpired();

        assertThat(removed.get("push_logs_partitions")).isGreaterThanOrEqualTo(2);
        PushLogPartitions partitions = new PushLogPartitions(jdbc, transactions, Clock.systemUTC());
        assertThat(partitions.days()).doesNotContain(LocalDate.parse("2019-03-09"), LocalDate.parse("2019-03-10"))
                .contains(LocalDate.parse("2019-03-11"));
        assertThat(jdbc.sql("select count(*) from push_logs where webhook_id = ?").param(webhook).query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void todayAndTheWeekAheadExistAndTheSameAttemptStoredTwiceIsOneRow() {
        PushLogPartitions partitions = new PushLogPartitions(jdbc, transactions, Clock.systemUTC());
        partitions.createAhead();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(partitions.days()).contains(today, today.plusDays(PushLogPartitions.DAYS_AHEAD));

        String webhook = unique("WH");
        Instant at = Instant.now();
        String attempt = unique("attempt");
        for (int i = 0; i < 2; i++) {
            jdbc.sql("""
                    insert into push_logs (attempt_id, task_id, webhook_id, delivery_id, retry_count, success, outcome, created_at)
                    values (?, 'T_PART', ?, 'D', 0, true, 'delivered', ?) on conflict (attempt_id, created_at) do nothing""")
                    .params(attempt, webhook, Timestamp.from(at)).update();
        }
        assertThat(jdbc.sql("select count(*) from push_logs where webhook_id = ?").param(webhook).query(Long.class).single())
                .isEqualTo(1);
        assertThat(partitionOf(webhook, null)).isEqualTo(PushLogPartitions.name(today));
    }

    /**
     * The successor of a killed process makes the attempt again (same attempt id, later start): one row, even
     * when the two starts fall on either side of midnight and so in two day partitions. Another attempt of
     * the same delivery is a row of its own.
     */
    @Test
    void anAttemptMadeAgainAfterACrashIsOneRowAcrossDayPartitions() {
        new PushLogPartitions(jdbc, transactions, Clock.fixed(Instant.parse("2019-06-01T12:00:00Z"), ZoneOffset.UTC)).createAhead();
        PushLogStore store = new PushLogStore(jdbcTemplate, transactions);
        String webhook = unique("WH");
        String attempt = unique("dlv") + ":1";
        store.insert(List.of(row(attempt, webhook, Instant.parse("2019-06-01T10:00:00Z"))));
        store.insert(List.of(row(attempt, webhook, Instant.parse("2019-06-01T10:00:07Z")),
                row(attempt, webhook, Instant.parse("2019-06-01T10:00:00Z"))));
        String lateAttempt = unique("dlv") + ":1";
        store.insert(List.of(row(lateAttempt, webhook, Instant.parse("2019-06-01T23:59:58Z")),
                row(lateAttempt, webhook, Instant.parse("2019-06-02T00:00:04Z"))));
        store.insert(List.of(row(attempt.replace(":1", ":2"), webhook, Instant.parse("2019-06-01T10:00:20Z"))));

        assertThat(jdbc.sql("select attempt_id from push_logs where webhook_id = ? order by created_at").param(webhook)
                .query(String.class).list())
                .containsExactly(attempt, attempt.replace(":1", ":2"), lateAttempt);
    }

    private static AttemptRow row(String attemptId, String webhook, Instant at) {
        return new AttemptRow(attemptId, "T_PART", webhook, attemptId.substring(0, attemptId.indexOf(':')), 0, 200,
                "https://example.com/hook", "{}", "{}", "{}", "ok", 5, true, "delivered", null, "intake", false, at, null);
    }

    private void log(String webhook, Instant at) {
        jdbc.sql("""
                insert into push_logs (attempt_id, task_id, webhook_id, delivery_id, retry_count, success, outcome, created_at)
                values (?, 'T_PART', ?, 'D', 0, true, 'delivered', ?)""")
                .params(unique("a"), webhook, Timestamp.from(at)).update();
    }

    private String partitionOf(String webhook, String createdAt) {
        return jdbc.sql("select tableoid::regclass::text from push_logs where webhook_id = ?"
                        + (createdAt == null ? "" : " and created_at = cast(? as timestamptz)") + " limit 1")
                .params(createdAt == null ? new Object[] {webhook} : new Object[] {webhook, createdAt})
                .query(String.class).single();
    }
}
