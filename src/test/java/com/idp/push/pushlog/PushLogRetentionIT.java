package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import com.idp.push.support.IntegrationTest;

/** Retention removes only rows older than the period, in bounded batches, and keeps pending dead letters. */
class PushLogRetentionIT extends IntegrationTest {

    @Autowired
    private TransactionTemplate transactions;

    @Test
    void removesOnlyExpiredRowsInBatches() {
        Instant now = Instant.now();
        Instant old = now.minus(Duration.ofDays(31));
        Instant recent = now.minus(Duration.ofDays(29));
        String webhook = unique("WH");
        for (int i = 0; i < 7; i++) {
            log(webhook, old);
        }
        log(webhook, recent);
        long requeuedOld = deadLetter(webhook, old, "requeued");
        long pendingOld = deadLetter(webhook, old, "pending");
        long requeuedRecent = deadLetter(webhook, recent, "requeued");
        String oldTask = unique("T");
        jdbc.sql("insert into task_events (task_id, event, updated_at) values (?, '{}', ?)")
                .params(oldTask, Timestamp.from(old)).update();
        PushLogRetention retention = new PushLogRetention(jdbc, transactions,
                new RetentionProperties(30, Duration.ofHours(1), Duration.ofMinutes(1), 3), Clock.fixed(now, ZoneOffset.UTC));

        Map<String, Long> removed = retention.removeExpired();

        assertThat(count("select count(*) from push_logs where webhook_id = ? and created_at = ?", webhook, old)).isZero();
        assertThat(count("select count(*) from push_logs where webhook_id = ? and created_at = ?", webhook, recent)).isEqualTo(1);
        assertThat(removed.get("push_logs_default")).as("rows older than every day partition").isGreaterThanOrEqualTo(7);
        assertThat(exists(requeuedOld)).isFalse();
        assertThat(exists(pendingOld)).as("a pending dead letter is kept whatever its age").isTrue();
        assertThat(exists(requeuedRecent)).isTrue();
        assertThat(count("select count(*) from task_events where task_id = ?", oldTask, null)).isZero();
    }

    @Test
    void zeroDaysKeepsEverything() {
        String webhook = unique("WH");
        log(webhook, Instant.now().minus(Duration.ofDays(400)));
        PushLogRetention retention = new PushLogRetention(jdbc, transactions,
                new RetentionProperties(0, Duration.ofHours(1), Duration.ofMinutes(1), 3), Clock.systemUTC());

        assertThat(retention.removeExpired()).isEmpty();
        assertThat(count("select count(*) from push_logs where webhook_id = ?", webhook, null)).isEqualTo(1);
    }

    private void log(String webhook, Instant at) {
        jdbc.sql("""
                insert into push_logs (attempt_id, task_id, webhook_id, delivery_id, retry_count, success, outcome, created_at)
                values (?, 'T_RETENTION', ?, 'D', 0, true, 'delivered', ?)""")
                .params(unique("a"), webhook, Timestamp.from(at)).update();
    }

    private long deadLetter(String webhook, Instant deadAt, String status) {
        return jdbc.sql("""
                insert into dead_letters (source_topic, source_partition, source_offset, delivery_id, task_id, webhook_id,
                    retry_count, attempts, dead_at, record_value, status)
                values ('retention-fixture', 0, ?, ?, 'T_RETENTION', ?, 3, 4, ?, '{}'::bytea, ?) returning id""")
                // a delivery id of its own: one dead letter per (delivery, attempts made) (V4)
                .params(System.nanoTime(), unique("D"), webhook, Timestamp.from(deadAt), status).query(Long.class).single();
    }

    private boolean exists(long deadLetterId) {
        return count("select count(*) from dead_letters where id = ?", deadLetterId, null) == 1;
    }

    private long count(String sql, Object first, Object second) {
        var statement = jdbc.sql(sql).param(first instanceof Instant i ? Timestamp.from(i) : first);
        if (second != null) {
            statement = statement.param(second instanceof Instant i ? Timestamp.from(i) : second);
        }
        return statement.query(Long.class).single();
    }
}
