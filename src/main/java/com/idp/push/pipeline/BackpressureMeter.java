package com.idp.push.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.kafka.common.TopicPartition;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * How long partitions stay paused because their in-flight limits are reached (backpressure): a timer of
 * ended episodes, {@code idp.push.engine.backpressure}, and the age of the oldest one still going,
 * {@code idp.push.engine.backpressure.oldest}. A partition held back by one slow endpoint shows here
 * before its lag does. Shared by the consumer loops: each reports the partitions it owns.
 */
final class BackpressureMeter {

    /** For loops built without metrics (tests of the loop alone). */
    static final BackpressureMeter NONE = new BackpressureMeter(null, ConsumerLoop::monotonicMillis);

    private final Map<TopicPartition, Long> sinceMs = new ConcurrentHashMap<>();
    private final Timer episodes;
    private final LongSupplier clock;

    BackpressureMeter(MeterRegistry meters, LongSupplier clock) {
        this.clock = clock;
        if (meters == null) {
            this.episodes = null;
            return;
        }
        this.episodes = Timer.builder("idp.push.engine.backpressure")
                .description("Time a partition stayed paused because its in-flight limits were reached").register(meters);
        Gauge.builder("idp.push.engine.backpressure.oldest", this, BackpressureMeter::oldestSeconds)
                .description("Seconds the partition paused longest by backpressure, now, has been paused (0 when none)")
                .baseUnit("seconds").register(meters);
    }

    void started(TopicPartition partition, long nowMs) {
        sinceMs.putIfAbsent(partition, nowMs);
    }

    /** The partition may take records again, or is no longer this instance's. */
    void ended(TopicPartition partition, long nowMs) {
        Long since = sinceMs.remove(partition);
        if (since != null && episodes != null) {
            episodes.record(Math.max(0, nowMs - since), TimeUnit.MILLISECONDS);
        }
    }

    double oldestSeconds() {
        long now = clock.getAsLong();
        return sinceMs.values().stream().mapToLong(since -> now - since).max().orElse(0) / 1000.0;
    }
}
