package com.idp.push.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import com.idp.push.webhook.WebhookRegistry;

/**
 * {@code pipeline} in /actuator/health: up once the consumer loops run on a loaded webhook registry and the
 * broker answers; down while starting (topics not yet created, broker unreachable, registry not yet loaded),
 * while a consumer loop that failed waits to be restarted, or while the broker has not answered the {@link BrokerProbe} for longer than
 * {@code unreachableAfter} (the consumers reconnect by themselves; this only reports the outage). Reads
 * remembered state only: it never waits on the broker.
 *
 * <p>Part of the overall health only, not of the liveness group: a broker outage must not get pods restarted.
 */
final class PipelineHealthIndicator implements HealthIndicator {

    private final PipelineRunner runner;
    private final WebhookRegistry registry;
    private final BrokerProbe probe;
    private final Duration unreachableAfter;
    /** The probe's monotonic clock. */
    private final LongSupplier clock;
    private final Clock wallClock;

    PipelineHealthIndicator(PipelineRunner runner, WebhookRegistry registry, BrokerProbe probe, Duration unreachableAfter,
            LongSupplier clock, Clock wallClock) {
        this.runner = runner;
        this.registry = registry;
        this.probe = probe;
        this.unreachableAfter = unreachableAfter;
        this.clock = clock;
        this.wallClock = wallClock;
    }

    @Override
    public Health health() {
        long now = clock.getAsLong();
        BrokerProbe.Status broker = probe.status();
        boolean brokerDown = !broker.reachable() && now - broker.unreachableSinceMs() > unreachableAfter.toMillis();
        Health.Builder health = runner.isConsuming() && !brokerDown ? Health.up() : Health.down();
        health.withDetail("consuming", runner.isConsuming())
                .withDetail("webhookRegistryLoaded", registry.isLoaded())
                .withDetail("broker", BrokerProbe.describe(broker, now, wallClock.instant()));
        if (runner.loopRestarts() > 0) {
            health.withDetail("loopRestarts", runner.loopRestarts()).withDetail("lastLoopError", runner.lastLoopError());
        }
        if (broker.lastError() != null) {
            health.withDetail("brokerError", broker.lastError());
        }
        return health.build();
    }
}
