package com.idp.push.pipeline;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import com.idp.push.webhook.WebhookRegistry;

/**
 * {@code pipeline} in /actuator/health: up once the consumer loops run on a loaded webhook registry;
 * down while starting (topics not yet created, broker unreachable, registry not yet loaded) or after a
 * loop died.
 */
final class PipelineHealthIndicator implements HealthIndicator {

    private final PipelineRunner runner;
    private final WebhookRegistry registry;

    PipelineHealthIndicator(PipelineRunner runner, WebhookRegistry registry) {
        this.runner = runner;
        this.registry = registry;
    }

    @Override
    public Health health() {
        Health.Builder health = runner.isConsuming() ? Health.up() : Health.down();
        return health.withDetail("consuming", runner.isConsuming())
                .withDetail("webhookRegistryLoaded", registry.isLoaded())
                .build();
    }
}
