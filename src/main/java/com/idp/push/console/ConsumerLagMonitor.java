package com.idp.push.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine's consumer lag (end offset minus committed offset, summed over the partitions the
 * group has committed or is assigned), measured with the Kafka admin client every {@code interval} and kept
 * in memory for the last {@link #KEEP}, so the console can chart it. Samples start when the instance starts;
 * a failed measurement is skipped (and shown as the last error). On its own thread, so a slow broker
 * never delays the scheduled tasks of the service.
 */
final class ConsumerLagMonitor implements AutoCloseable {

    static final Duration KEEP = Duration.ofHours(24);
    private static final Logger log = LoggerFactory.getLogger(ConsumerLagMonitor.class);
    private static final long TIMEOUT_SECONDS = 5;

    private final Map<String, Object> adminConfig;
    private final String groupId;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final Deque<LagSample> samples = new ArrayDeque<>(); // guarded by itself
    private volatile String lastError;
    private Admin admin; // only touched by the executor thread

    ConsumerLagMonitor(Map<String, Object> adminConfig, String groupId, Duration interval, Clock clock) {
        this.adminConfig = Map.copyOf(adminConfig);
        this.groupId = groupId;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "idp-push-lag-monitor");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::sample, Math.min(5_000, interval.toMillis()), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    String groupId() {
        return groupId;
    }

    String lastError() {
        return lastError;
    }

    /** Samples taken at or after {@code since}, oldest first. */
    List<LagSample> samplesSince(Instant since) {
        synchronized (samples) {
            return samples.stream().filter(s -> !s.at().isBefore(since)).toList();
        }
    }

    /** The newest sample, or null before the first one. */
    LagSample latest() {
        synchronized (samples) {
            return samples.peekLast();
        }
    }

    private void sample() {
        try {
            LagSample sample = measure();
            lastError = null;
            synchronized (samples) {
                samples.addLast(sample);
                Instant oldest = sample.at().minus(KEEP);
                while (!samples.isEmpty() && samples.peekFirst().at().isBefore(oldest)) {
                    samples.removeFirst();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.debug("Could not measure the consumer lag of group {}", groupId, e);
            closeAdmin(); // a fresh client next time
        }
    }

    private LagSample measure() throws Exception {
        if (admin == null) {
            admin = Admin.create(adminConfig);
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Set<TopicPartition> partitions = new HashSet<>(committed.keySet());
        var group = admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        for (MemberDescription member : group.members()) {
            partitions.addAll(member.assignment().topicPartitions());
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (TopicPartition partition : partitions) {
            latest.put(partition, OffsetSpec.latest());
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                earliest.put(partition, OffsetSpec.earliest()); // nothing committed yet: all of it is lag
            }
        }
        Map<TopicPartition, ListOffsetsResultInfo> ends = latest.isEmpty() ? Map.of()
                : admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> starts = earliest.isEmpty() ? Map.of()
                : admin.listOffsets(earliest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, Long> byTopic = new TreeMap<>();
        long total = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            long from = offset != null ? offset.offset() : starts.get(partition).offset();
            long lag = Math.max(0, ends.get(partition).offset() - from);
            byTopic.merge(partition.topic(), lag, Long::sum);
            total += lag;
        }
        return new LagSample(clock.instant(), total, byTopic);
    }

    private void closeAdmin() {
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(1));
            } catch (RuntimeException ignored) {
                // closing is best effort
            }
            admin = null;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAdmin();
    }

    /** The group's lag at one moment: in total and per topic. */
    record LagSample(Instant at, long total, Map<String, Long> byTopic) {
    }
}
