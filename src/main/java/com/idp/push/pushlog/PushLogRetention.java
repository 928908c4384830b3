package com.idp.push.pushlog;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Removes rows older than the retention period. {@code push_logs} is partitioned by UTC day
 * ({@link PushLogPartitions}): its expired days are dropped whole, once the whole day is past the cutoff, so
 * a log is kept up to one day longer than the retention period; only rows that fell into its default
 * partition are deleted one by one. The other tables are deleted from in batches of {@code batch-size}
 * rows, each in its own short transaction, so a backlog of millions of rows never becomes one huge delete.
 * Each run also creates the day partitions of the coming week. Pending dead letters
 * are kept whatever their age: they are unresolved failures an operator still has to see. With several
 * replicas, a transaction-scoped advisory lock lets one of them do each batch while the others skip it.
 */
@Component
public class PushLogRetention {

    private static final Logger log = LoggerFactory.getLogger(PushLogRetention.class);
    private static final long LOCK_KEY = 0x1d9_9054L; // any constant shared by every replica

    /** What is removed, and how each table's expired rows are found (each condition has an index). */
    private static final List<Expiry> TABLES = List.of(
            new Expiry("push_logs_default", "id", "created_at < :cutoff"),
            new Expiry("dead_letters", "id", "status = 'requeued' and dead_at < :cutoff"),
            new Expiry("task_events", "task_id", "updated_at < :cutoff"),
            new Expiry("sink_rejects", "id", "created_at < :cutoff"));

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final RetentionProperties properties;
    private final Clock clock;
    private final PushLogPartitions partitions;

    PushLogRetention(JdbcClient jdbc, TransactionTemplate transactions, RetentionProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.properties = properties;
        this.clock = clock;
        this.partitions = new PushLogPartitions(jdbc, transactions, clock);
    }

    @Scheduled(fixedDelayString = "${idp.push.retention.interval:1h}",
            initialDelayString = "${idp.push.retention.initial-delay:1m}")
    void scheduledRun() {
        try {
            partitions.createAhead();
            removeExpired();
        } catch (RuntimeException e) {
            log.warn("Push-log retention run failed; the next run retries: {}", e.toString());
        }
    }

    /** @return rows removed per table in this run (empty when retention is off) */
    public Map<String, Long> removeExpired() {
        Map<String, Long> removed = new LinkedHashMap<>();
        if (properties.days() == 0) {
            return removed;
        }
        Instant cutoff = clock.instant().minus(Duration.ofDays(properties.days()));
        long droppedDays = partitions.dropBefore(LocalDate.ofInstant(cutoff, ZoneOffset.UTC)).size();
        if (droppedDays > 0) {
            removed.put("push_logs_partitions", droppedDays);
        }
        TABLES.forEach(table -> removed.put(table.name(), removeFrom(table, cutoff)));
        if (removed.values().stream().anyMatch(n -> n > 0)) {
            log.info("Retention removed rows older than {} days: {}", properties.days(), removed);
        }
        return removed;
    }

    private long removeFrom(Expiry table, Instant cutoff) {
        String delete = "delete from " + table.name() + " where " + table.key() + " in (select " + table.key()
                + " from " + table.name() + " where " + table.condition() + " limit :batch)";
        long total = 0;
        while (true) {
            Integer deleted = transactions.execute(status -> {
                if (!jdbc.sql("select pg_try_advisory_xact_lock(?)").param(LOCK_KEY).query(Boolean.class).single()) {
                    return -1; // another replica is cleaning up right now
                }
                return jdbc.sql(delete).param("cutoff", Timestamp.from(cutoff)).param("batch", properties.batchSize())
                        .update();
            });
            if (deleted == null || deleted < 0) {
                return total;
            }
            total += deleted;
            if (deleted < properties.batchSize()) {
                return total;
            }
        }
    }

    private record Expiry(String name, String key, String condition) {
    }
}
