package com.idp.push.console;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.idp.push.pushlog.InvalidParameterException;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * {@code GET /api/v1/stats/timeseries}: the console's overview charts. The window is cut into at most
 * {@link #MAX_BUCKETS} equal buckets (1 min to 1 day); each has attempts, successful attempts, duration
 * percentiles, attempts per stage (intake, each retry topic, replay, api) and dead letters. The consumer
 * lag comes from this instance's in-memory samples (see {@link ConsumerLagMonitor}).
 */
@RestController
@Tag(name = "Push logs and dead letters")
class OverviewController {

    static final int MAX_HOURS = 24 * 7;
    static final int MAX_BUCKETS = 72;
    private static final long[] BUCKET_SECONDS = {60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};

    private final JdbcClient jdbc;
    private final ConsumerLagMonitor lag;
    private final Clock clock;

    OverviewController(JdbcClient jdbc, ConsumerLagMonitor lag, Clock clock) {
        this.jdbc = jdbc;
        this.lag = lag;
        this.clock = clock;
    }

    @GetMapping("/api/v1/stats/timeseries")
    @Operation(summary = "Per time bucket over the last hours: attempts, successes, duration p50/p95/p99, "
            + "attempts by stage, dead letters; the consumer lag samples and the DLQ size now")
    Timeseries timeseries(@RequestParam(defaultValue = "6") int hours,
            @RequestParam(name = "webhook_id", required = false) String webhookId) {
        if (hours < 1 || hours > MAX_HOURS) {
            throw new InvalidParameterException("hours", "must be between 1 and " + MAX_HOURS);
        }
        String webhook = webhookId == null || webhookId.isBlank() ? null : webhookId;
        long bucket = bucketSeconds(hours);
        long nowEpoch = clock.instant().getEpochSecond();
        long lastBucket = Math.floorDiv(nowEpoch, bucket) * bucket;
        long firstBucket = lastBucket - ((hours * 3600L + bucket - 1) / bucket - 1) * bucket;
        Instant since = Instant.ofEpochSecond(firstBucket);

        Map<Long, Bucket> buckets = new TreeMap<>();
        for (long start = firstBucket; start <= lastBucket; start += bucket) {
            buckets.put(start, new Bucket(Instant.ofEpochSecond(start)));
        }
        jdbc.sql("""
                select floor(extract(epoch from created_at) / :bucket)::bigint * :bucket as bucket,
                       count(*) as attempts,
                       count(*) filter (where success) as successful,
                       percentile_cont(0.5) within group (order by duration_ms) as p50,
                       percentile_cont(0.95) within group (order by duration_ms) as p95,
                       percentile_cont(0.99) within group (order by duration_ms) as p99
                  from push_logs
                 where created_at >= :since and not dead_lettered
                   and (cast(:webhook as text) is null or webhook_id = :webhook)
                 group by 1""")
                .param("bucket", bucket).param("since", Timestamp.from(since)).param("webhook", webhook)
                .query(rs -> {
                    Bucket b = buckets.get(rs.getLong("bucket"));
                    if (b != null) {
                        b.attempts = rs.getLong("attempts");
                        b.successful = rs.getLong("successful");
                        b.p50 = rs.getDouble("p50");
                        b.p95 = rs.getDouble("p95");
                        b.p99 = rs.getDouble("p99");
                    }
                });
        jdbc.sql("""
                select floor(extract(epoch from created_at) / :bucket)::bigint * :bucket as bucket,
                       coalesce(stage, 'unknown') as stage, count(*) as attempts
                  from push_logs
                 where created_at >= :since and not dead_lettered
                   and (cast(:webhook as text) is null or webhook_id = :webhook)
                 group by 1, 2""")
                .param("bucket", bucket).param("since", Timestamp.from(since)).param("webhook", webhook)
                .query(rs -> {
                    Bucket b = buckets.get(rs.getLong("bucket"));
                    if (b != null) {
                        b.byStage.put(rs.getString("stage"), rs.getLong("attempts"));
                    }
                });
        jdbc.sql("""
                select floor(extract(epoch from dead_at) / :bucket)::bigint * :bucket as bucket, count(*) as dead
                  from dead_letters
                 where dead_at >= :since and (cast(:webhook as text) is null or webhook_id = :webhook)
                 group by 1""")
                .param("bucket", bucket).param("since", Timestamp.from(since)).param("webhook", webhook)
                .query(rs -> {
                    Bucket b = buckets.get(rs.getLong("bucket"));
                    if (b != null) {
                        b.deadLetters = rs.getLong("dead");
                    }
                });
        Percentiles overall = jdbc.sql("""
                select percentile_cont(0.5) within group (order by duration_ms) as p50,
                       percentile_cont(0.95) within group (order by duration_ms) as p95,
                       percentile_cont(0.99) within group (order by duration_ms) as p99
                  from push_logs
                 where created_at >= :since and not dead_lettered
                   and (cast(:webhook as text) is null or webhook_id = :webhook)""")
                .param("since", Timestamp.from(since)).param("webhook", webhook)
                .query((rs, row) -> new Percentiles((Double) rs.getObject("p50"), (Double) rs.getObject("p95"),
                        (Double) rs.getObject("p99")))
                .single();
        long dlqSize = jdbc.sql("""
                select count(*) from dead_letters where status = 'pending'
                   and (cast(:webhook as text) is null or webhook_id = :webhook)""")
                .param("webhook", webhook).query(Long.class).single();

        List<BucketView> views = new ArrayList<>();
        buckets.values().forEach(b -> views.add(b.view()));
        List<LagPoint> lagPoints = lag.samplesSince(since).stream()
                .map(s -> new LagPoint(s.at(), s.total())).toList();
        ConsumerLagMonitor.LagSample latest = lag.latest();
        ConsumerLag consumerLag = new ConsumerLag(lag.groupId(), latest == null ? null : latest.total(),
                latest == null ? Map.of() : latest.byTopic(), latest == null ? null : latest.at(), lagPoints,
                lag.lastError());
        return new Timeseries(hours, webhook, bucket, views, overall, dlqSize, consumerLag);
    }

    static long bucketSeconds(int hours) {
        for (long candidate : BUCKET_SECONDS) {
            if (hours * 3600L / candidate <= MAX_BUCKETS) {
                return candidate;
            }
        }
        return BUCKET_SECONDS[BUCKET_SECONDS.length - 1];
    }

    private static final class Bucket {
        final Instant start;
        long attempts;
        long successful;
        Double p50;
        Double p95;
        Double p99;
        long deadLetters;
        final Map<String, Long> byStage = new TreeMap<>();

        Bucket(Instant start) {
            this.start = start;
        }

        BucketView view() {
            return new BucketView(start, attempts, successful, attempts == 0 ? null : (double) successful / attempts,
                    p50, p95, p99, byStage, deadLetters);
        }
    }

    /** The answer: buckets oldest first, every bucket of the window present (empty ones with zeros). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Timeseries(int hours, String webhookId, long bucketSeconds, List<BucketView> buckets, Percentiles overall,
            long dlqSize, ConsumerLag consumerLag) {
    }

    /** Attempt duration percentiles over the whole window; null when there were no attempts. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Percentiles(Double p50Ms, Double p95Ms, Double p99Ms) {
    }

    /** One bucket; percentiles and success rate are null when it has no attempts. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record BucketView(Instant start, long attempts, long successfulAttempts, Double successRate, Double p50Ms,
            Double p95Ms, Double p99Ms, Map<String, Long> attemptsByStage, long deadLetters) {
    }

    /**
     * The engine group's lag: the latest sample (total and per topic) and the samples of the window; total is
     * null before the first sample; {@code error} is the last measurement's failure, if it failed.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ConsumerLag(String groupId, Long total, Map<String, Long> byTopic, Instant measuredAt,
            List<LagPoint> samples, String error) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LagPoint(Instant at, long lag) {
    }
}
