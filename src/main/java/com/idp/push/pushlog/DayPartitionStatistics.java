package com.idp.push.pushlog;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Gives a day partition of {@code push_logs} its planner statistics as soon as it holds rows, instead of when
 * autovacuum next passes by (up to a minute, its naptime, after midnight). Without statistics the planner takes
 * a day's {@code created_at} range for a handful of rows, so it looked for a batch's attempt ids through the
 * {@code created_at} index, reading every row of the day so far for each batch stored, and kept that plan cached
 * until the partition was analysed: at thousands of rows a second the sink fell behind and Postgres took a core
 * (PushLogStoreIT). With statistics, even of a few rows, {@code attempt_id} is known to be unique and the key is
 * used. Each day is looked at once per process; analysing a partition of a few rows takes milliseconds.
 */
final class DayPartitionStatistics {

    private static final Logger log = LoggerFactory.getLogger(DayPartitionStatistics.class);
    /** Whether the planner has statistics of the partition's attempt ids; no row when the table does not exist. */
    private static final String HAS_STATISTICS = """
            select exists (select 1 from pg_stats s where s.schemaname = n.nspname and s.tablename = c.relname
                                                      and s.attname = 'attempt_id')
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.oid = to_regclass(?)""";

    private final JdbcTemplate jdbc;
    private final Set<LocalDate> known = ConcurrentHashMap.newKeySet();

    DayPartitionStatistics(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** After rows were stored (committed): analyses the partitions of their days that have no statistics yet. */
    void stored(List<AttemptRow> rows) {
        for (AttemptRow row : rows) {
            LocalDate day = LocalDate.ofInstant(row.createdAt(), ZoneOffset.UTC);
            if (!known.contains(day)) {
                analyseIfNew(day);
            }
        }
    }

    private void analyseIfNew(LocalDate day) {
        String partition = PushLogPartitions.name(day);
        try {
            List<Boolean> has = jdbc.queryForList(HAS_STATISTICS, Boolean.class, partition);
            if (!has.isEmpty() && !has.get(0)) {
                jdbc.execute("analyze " + partition);
                log.info("Analysed {}, a day partition of push_logs that had no statistics yet", partition);
            }
        } catch (DataAccessException e) {
            // e.g. not the table's owner: autovacuum analyses it later, meanwhile storing costs more
            log.warn("Could not analyse {}: {}", partition, e.getMostSpecificCause().toString());
        }
        known.add(day);
        known.removeIf(earlier -> earlier.isBefore(day.minusDays(7)));
    }
}
