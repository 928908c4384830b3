package com.idp.push.pushlog;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The day partitions of {@code push_logs} (V5): one per UTC day, named {@code push_logs_pYYYYMMDD}. Keeps
 * {@link #DAYS_AHEAD} days ready ahead of today, so rows never land in the default partition for want of
 * one (a day partition cannot be created once the default holds rows of that day), and drops the days that
 * retention has expired whole: dropping a partition is a catalogue change, where deleting its rows would
 * cost as much as writing them. Several replicas take turns through a transaction-scoped advisory lock.
 */
final class PushLogPartitions {

    private static final Logger log = LoggerFactory.getLogger(PushLogPartitions.class);
    static final int DAYS_AHEAD = 7;
    private static final long LOCK_KEY = 0x1d9_9055L; // any constant shared by every replica
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final String PREFIX = "push_logs_p";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    PushLogPartitions(JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Creates the partitions of yesterday, today and the next {@link #DAYS_AHEAD} days that are missing. */
    int createAhead() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        int created = 0;
        for (LocalDate day = today.minusDays(1); !day.isAfter(today.plusDays(DAYS_AHEAD)); day = day.plusDays(1)) {
            if (create(day)) {
                created++;
            }
        }
        return created;
    }

    /** Drops every day partition whose whole day is older than {@code cutoffDay}; returns the days dropped. */
    List<LocalDate> dropBefore(LocalDate cutoffDay) {
        List<LocalDate> expired = days().stream().filter(day -> day.isBefore(cutoffDay)).toList();
        for (LocalDate day : expired) {
            locked(() -> jdbc.sql("drop table if exists " + name(day)).update());
        }
        if (!expired.isEmpty()) {
            log.info("Retention dropped the push_logs partitions of {} day(s), {} to {}", expired.size(),
                    expired.get(0), expired.get(expired.size() - 1));
        }
        return expired;
    }

    /** The days that have a partition, oldest first. */
    List<LocalDate> days() {
        return jdbc.sql("""
                select c.relname from pg_inherits i
                  join pg_class c on c.oid = i.inhrelid
                 where i.inhparent = 'push_logs'::regclass and c.relname like 'push\\_logs\\_p%'
                 order by c.relname""").query(String.class).list().stream()
                .map(name -> LocalDate.parse(name.substring(PREFIX.length()), SUFFIX)).toList();
    }

    private boolean create(LocalDate day) {
        String sql = "create table if not exists " + name(day) + " partition of push_logs for values from ('"
                + day + "T00:00:00Z') to ('" + day.plusDays(1) + "T00:00:00Z')";
        try {
            Boolean done = transactions.execute(status -> {
                if (!tryLock()) {
                    return false; // another replica is at it
                }
                boolean existed = exists(day);
                jdbc.sql(sql).update();
                return !existed;
            });
            return Boolean.TRUE.equals(done);
        } catch (DataAccessException e) {
            // e.g. the default partition already holds rows of that day: they stay there, removed row by row
            log.warn("Could not create the push_logs partition of {}: {}", day, e.getMostSpecificCause().toString());
            return false;
        }
    }

    private boolean exists(LocalDate day) {
        return jdbc.sql("select to_regclass(?) is not null").param(name(day)).query(Boolean.class).single();
    }

    private void locked(Runnable work) {
        transactions.executeWithoutResult(status -> {
            if (tryLock()) {
                work.run();
            }
        });
    }

    private boolean tryLock() {
        return jdbc.sql("select pg_try_advisory_xact_lock(?)").param(LOCK_KEY).query(Boolean.class).single();
    }

    static String name(LocalDate day) {
        return PREFIX + day.format(SUFFIX);
    }
}
