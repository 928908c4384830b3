package com.idp.push.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Delivery counters and the attempt latency histogram, on /actuator/prometheus. */
public final class DeliveryMetrics {

    private final MeterRegistry registry;
    // built once: attempt() runs for every delivery, and a builder per call re-describes the meter each time
    private final Meter.MeterProvider<Counter> attempts;
    private final Meter.MeterProvider<Timer> attemptDuration;
    // and each meter looked up once: a provider still builds and sorts tags and finds the meter in the
    // registry on every call (2 % of the service's CPU in benchmark S1); outcomes and stages are few
    private final Map<String, Counter> attemptCounters = new ConcurrentHashMap<>();
    private final Map<String, Timer> attemptTimers = new ConcurrentHashMap<>();

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.attempts = Counter.builder("idp.push.attempts").description("Delivery attempts by outcome")
                .withRegistry(registry);
        this.attemptDuration = Timer.builder("idp.push.attempt.duration")
                .description("Time from request start to complete response").publishPercentileHistogram()
                .withRegistry(registry);
    }

    /** @param outcome delivered, retrying or dead */
    void attempt(String outcome, String stage, long durationMs) {
        attemptCounters.computeIfAbsent(outcome + '\n' + stage,
                key -> attempts.withTags("outcome", outcome, "stage", stage)).increment();
        attemptTimers.computeIfAbsent(outcome, key -> attemptDuration.withTags("outcome", outcome))
                .record(durationMs, TimeUnit.MILLISECONDS);
    }

    /** A delivery not attempted now (e.g. its endpoint's bulkhead was full) and put back in a delay topic. */
    void deferred(String reason) {
        Counter.builder("idp.push.deferred").description("Deliveries put back in a delay topic without an attempt")
                .tag("reason", reason).register(registry).increment();
    }

    /** An outcome not produced because its source partition was revoked (the new owner repeats the attempt). */
    void outcomeDropped(String reason) {
        Counter.builder("idp.push.outcomes.dropped").description("Outcomes not produced: their source partition was revoked")
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

    /** @param result reduced (written without bodies and event) or dropped (too large even so) */
    void attemptLogTooLarge(String result) {
        Counter.builder("idp.push.attempt.logs.too.large")
                .description("Attempt logs too large for the attempt topic, written reduced or dropped")
                .tag("result", result).register(registry).increment();
    }

    void eventWithoutWebhooks() {
        registry.counter("idp.push.events.unrouted").increment();
    }
}
