package com.idp.push.webhook;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code idp.push.webhooks.unloadable{problem=secret|template|other}}: webhooks of the current registry
 * snapshot this instance cannot load. Non-zero means deliveries are failing for a configuration reason, not
 * an endpoint's: alert on it. Read from the snapshot on each scrape, so it drops as soon as a fix is loaded.
 */
@Component
class UnloadableWebhookGauge {

    UnloadableWebhookGauge(WebhookRegistry registry, MeterRegistry meters) {
        for (String kind : LoadError.KINDS) {
            Gauge.builder("idp.push.webhooks.unloadable", registry, r -> r.unloadable(kind))
                    .description("Webhooks this instance cannot load (their deliveries fail naming the problem)")
                    .tag("problem", kind).register(meters);
        }
    }
}
