package com.idp.push.pipeline;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Delivery counters and the attempt latency histogram, on /actuator/prometheus. */
public final class DeliveryMetrics {

    private final MeterRegistry registry;

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @param outcome delivered, retrying or dead */
    void attempt(String outcome, String stage, long durationMs) {
        Counter.builder("idp.push.attempts").description("Delivery attempts by outcome")
                .tag("outcome", outcome).tag("stage", stage).register(registry).increment();
        Timer.builder("idp.push.attempt.duration").description("Time from request start to complete response")
                .tag("outcome", outcome).publishPercentileHistogram()
                .register(registry).record(Duration.ofMillis(durationMs));
    }

    /** A delivery not attempted now (e.g. its endpoint's bulkhead was full) and put back in a delay topic. */
    void deferred(String reason) {
        Counter.builder("idp.push.deferred").description("Deliveries put back in a delay topic without an attempt")
                .tag("reason", reason).register(registry).increment();
    }

    void deadLettered(String reason) {
        Counter.builder("idp.push.dead.letters").description("Deliveries handed to the DLQ")
                .tag("reason", reason).register(registry).increment();
    }

    void invalid(String sourceTopic, String reason) {
        Counter.builder("idp.push.invalid.records").description("Records copied to the invalid topic")
                .tag("topic", sourceTopic).tag("reason", reason).register(registry).increment();
    }

    void eventWithoutWebhooks() {
        registry.counter("idp.push.events.unrouted").increment();
    }
}
