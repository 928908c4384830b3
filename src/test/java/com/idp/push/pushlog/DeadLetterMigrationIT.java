package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import com.idp.push.support.TestInfrastructure;

/**
 * V4 on a database of an earlier version that holds the same dead letter more than once: it must not fail,
 * and it must leave of each one the row the new sink would have left. Runs in a schema of its own on the
 * test Postgres, migrated to V3, filled, then migrated on.
 */
class DeadLetterMigrationIT {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void duplicateDeadLettersOfAnEarlierVersionAreMergedAndTheIndexIsBuilt() throws SQLException {
        String schema = "migration_" + UUID.randomUUID().toString().substring(0, 8);
        TestInfrastructure db = TestInfrastructure.get();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.dbUser(), db.dbPassword())) {
            migrate(db, schema, "3");
            c.setSchema(schema);
            // three copies of one pending dead letter: the first stays
            long keptA = insert(c, "d_a", 1, "pending", T0, null);
            insert(c, "d_a", 1, "pending", T0.plusSeconds(5), null);
            insert(c, "d_a", 1, "pending", T0.plusSeconds(9), null);
            // re-pushed, and a copy that died before the re-push (re-produced by a crash): the requeued row stays
            insert(c, "d_b", 4, "pending", T0.plusSeconds(1), null);
            long keptB = insert(c, "d_b", 4, "requeued", T0, T0.plusSeconds(60));
            // re-pushed, and the re-push died without an attempt (webhook disabled): the pending row stays
            insert(c, "d_c", 1, "requeued", T0, T0.plusSeconds(60));
            long keptC = insert(c, "d_c", 1, "pending", T0.plusSeconds(61), null);
            long keptD = insert(c, "d_d", 2, "pending", T0, null);

            migrate(db, schema, "latest");

            assertThat(ids(c)).containsExactlyInAnyOrder(keptA, keptB, keptC, keptD);
            assertThatThrownBy(() -> insert(c, "d_d", 2, "pending", T0.plusSeconds(1), null))
                    .isInstanceOf(SQLException.class).hasMessageContaining("dead_letters_delivery_attempts_key");
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

    private static long insert(Connection c, String delivery, int attempts, String status, Instant deadAt,
            Instant requeuedAt) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                insert into dead_letters (source_topic, source_partition, source_offset, delivery_id, task_id, webhook_id,
                    retry_count, attempts, dead_at, record_value, status, requeued_at)
                values ('idp.push.dlq', 0, ?, ?, 'T', 'WH', 0, ?, ?, '{}'::bytea, ?, ?) returning id""")) {
            s.setLong(1, System.nanoTime());
            s.setString(2, delivery);
            s.setInt(3, attempts);
            s.setTimestamp(4, Timestamp.from(deadAt));
            s.setString(5, status);
            s.setTimestamp(6, requeuedAt == null ? null : Timestamp.from(requeuedAt));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static List<Long> ids(Connection c) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select id from dead_letters")) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }
}
