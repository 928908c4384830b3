package com.idp.push.pushlog;

import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code pushLogSinks} in /actuator/health: up while every sink stores what it reads, down while one waits out
 * a database outage (its partitions paused, its batch held), with since when, how many records it holds and the
 * last error. A sink only waits after its quick retries failed, so no further threshold is applied. Reads
 * remembered state only: it never waits on the database.
 *
 * <p>Part of the overall health only, not of the liveness group (a database outage must not get pods
 * restarted; the sinks wait and go on by themselves) nor of readiness (every instance shares the database, and
 * delivery, which needs no database, goes on).
 */
final class PushLogSinksHealthIndicator implements HealthIndicator {

    private final List<SinkStatus> sinks;
    private final LongSupplier clock;

    PushLogSinksHealthIndicator(List<SinkStatus> sinks, LongSupplier clock) {
        this.sinks = List.copyOf(sinks);
        this.clock = clock;
    }

    @Override
    public Health health() {
        long now = clock.getAsLong();
        boolean waiting = sinks.stream().anyMatch(SinkStatus::isWaiting);
        Health.Builder health = waiting ? Health.down() : Health.up();
        for (SinkStatus sink : sinks) {
            health.withDetail(sink.name(), describe(sink.outage(), now));
        }
        return health.build();
    }

    private static String describe(SinkStatus.Outage outage, long now) {
        if (outage == null) {
            return "storing";
        }
        Instant since = outage.since();
        return "waiting for the database since %s (%d s), %d records pending: %s".formatted(since,
                Math.max(0, (now - since.toEpochMilli()) / 1000), outage.pendingRecords(), outage.lastError());
    }
}
