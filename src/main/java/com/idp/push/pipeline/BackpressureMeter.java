package com.idp.push.pipeline;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.kafka.common.TopicPartition;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    /** An episode that lasts this long is logged with the limit that started it. */
    static final long LOGGED_AFTER_MS = 1_000;
    private static final Logger log = LoggerFactory.getLogger(BackpressureMeter.class);

    private final Map<TopicPartition, Episode> going = new ConcurrentHashMap<>();
    private final Timer episodes;
    private final LongSupplier clock;

    BackpressureMeter(MeterRegistry meters, LongSupplier clock) {
        this.clock = clock;
        if (meters == null) {
            this.episodes = null;
            return;
        }
        // buckets so that episodes over a bound can be counted (alerts, tests), not only the decaying maximum
        this.episodes = Timer.builder("idp.push.engine.backpressure")
                .description("Time a partition stayed paused because its in-flight limits were reached")
                .serviceLevelObjectives(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                        Duration.ofSeconds(5), Duration.ofSeconds(30))
                .register(meters);
        Gauge.builder("idp.push.engine.backpressure.oldest", this, BackpressureMeter::oldestSeconds)
                .description("Seconds the partition paused longest by backpressure, now, has been paused (0 when none)")
                .baseUnit("seconds").register(meters);
    }

    /** @param reason which limits were reached, logged if the episode lasts */
    void started(TopicPartition partition, long nowMs, String reason) {
        going.putIfAbsent(partition, new Episode(nowMs, reason));
    }

    /** The partition may take records again, or is no longer this instance's. */
    void ended(TopicPartition partition, long nowMs) {
        Episode episode = going.remove(partition);
        if (episode == null) {
            return;
        }
        long pausedMs = Math.max(0, nowMs - episode.sinceMs());
        if (episodes != null) {
            episodes.record(pausedMs, TimeUnit.MILLISECONDS);
        }
        if (pausedMs >= LOGGED_AFTER_MS) {
            log.info("{} was paused {} ms by backpressure; when it paused: {}", partition, pausedMs, episode.reason());
        }
    }

    double oldestSeconds() {
        long now = clock.getAsLong();
        return going.values().stream().mapToLong(episode -> now - episode.sinceMs()).max().orElse(0) / 1000.0;
    }

    /** A pause going on: since when, and the limits reached when it began. */
    private record Episode(long sinceMs, String reason) {
    }
}
