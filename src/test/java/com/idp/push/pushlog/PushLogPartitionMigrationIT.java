package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import com.idp.push.support.TestInfrastructure;

/**
 * V5 on a database of an earlier version: every push_logs row is kept with its id, in the partition of its
 * day (a row older than 400 days in the default one), and new rows get ids above the old ones. Runs in a
 * schema of its own on the test Postgres, migrated to V4, filled, then migrated on.
 */
class PushLogPartitionMigrationIT {

    @Test
    void existingRowsMoveIntoTheirDayPartitionsWithTheirIds() throws SQLException {
        String schema = "partition_" + UUID.randomUUID().toString().substring(0, 8);
        TestInfrastructure db = TestInfrastructure.get();
        Instant now = Instant.now();
        Map<String, Instant> rows = new LinkedHashMap<>();
        rows.put("three-days-ago", now.minus(Duration.ofDays(3)));
        rows.put("yesterday", now.minus(Duration.ofDays(1)));
        rows.put("now", now);
        rows.put("ancient", now.minus(Duration.ofDays(500)));
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.dbUser(), db.dbPassword())) {
            migrate(db, schema, "4");
            c.setSchema(schema);
            Map<String, Long> ids = new LinkedHashMap<>();
            for (var row : rows.entrySet()) {
                ids.put(row.getKey(), insert(c, row.getKey(), row.getValue()));
            }

            migrate(db, schema, "latest");

            for (var row : rows.entrySet()) {
                String expected = row.getKey().equals("ancient") ? "push_logs_default"
                        : PushLogPartitions.name(LocalDate.ofInstant(row.getValue(), ZoneOffset.UTC));
                try (PreparedStatement s = c.prepareStatement(
                        "select id, tableoid::regclass::text from push_logs where attempt_id = ?")) {
                    s.setString(1, row.getKey());
                    try (ResultSet r = s.executeQuery()) {
                        assertThat(r.next()).as(row.getKey()).isTrue();
                        assertThat(r.getLong(1)).as("id of %s kept", row.getKey()).isEqualTo(ids.get(row.getKey()));
                        assertThat(r.getString(2)).as("partition of %s", row.getKey()).endsWith(expected);
                    }
                }
            }
            long next = insert(c, "after", now);
            assertThat(next).as("identity goes on above the copied ids")
                    .isGreaterThan(ids.values().stream().mapToLong(Long::longValue).max().orElseThrow());
        } finally {
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.dbUser(), db.dbPassword());
                    Statement s = c.createStatement()) {
                s.execute("drop schema if exists " + schema + " cascade");
            }
        }
    }

    private static void migrate(TestInfrastructure db, String schema, String target) {
        Flyway.configure().dataSource(db.jdbcUrl(), db.dbUser(), db.dbPassword()).schemas(schema)
                .locations("classpath:db/migration").target(target).load().migrate();
    }

    private static long insert(Connection c, String attemptId, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                insert into push_logs (attempt_id, task_id, webhook_id, delivery_id, retry_count, success, outcome, created_at)
                values (?, 'T', 'WH', 'D', 0, true, 'delivered', ?) returning id""")) {
            s.setString(1, attemptId);
            s.setTimestamp(2, Timestamp.from(at));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
