package com.idp.push.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.idp.push.support.ServiceProcess;
import com.idp.push.support.StandaloneBroker;

/**
 * A hanging endpoint at the shipped deadline, as deployed: the built jar in its own JVM against a standalone
 * broker, at the shipped defaults (30 s {@code PUSH_TIMEOUT}, 6 partitions, retry delays 10,30,90, default
 * windows, pools, bulkheads, breakers and slow-call threshold). Nine webhooks of one rule point at a receiver
 * that answers at once; events are paced at {@value #DEFAULT_RATE}/s ({@code -Dhang.rate=} to change it) for
 * {@value #ALONE_SECONDS} s, then a tenth webhook, on a host of its own that never answers, joins the rule and
 * the same rate runs for {@value #BESIDE_SECONDS} s, past the first 30 s deadlines, so its slow calls, breaker,
 * timeouts and retries all happen while the nine are measured. Run once at the shipped deadline and once with
 * the tenth webhook's {@code timeout_ms} at the largest allowed, 600 s.
 *
 * <p>Asserted: the nine keep at least 90 % of their per-endpoint throughput, their p99 (event produced to
 * request received) stays under 1 s, no partition is paused by backpressure for more than 2 s (the service's
 * own {@code idp.push.engine.backpressure} meters, sampled every 250 ms), and once the events stop the input
 * topic's committed offsets catch up within {@value #COMMIT_CATCH_UP_SECONDS} s: the hanging endpoint does not
 * hold the commit point (what a crash would deliver again) for its deadline.
 *
 * <p>{@code -Dhang.slow-call-after=0} runs the service without slow-call judgement, as before it had one.
 *
 * <p>The service runs as deployed (C2) and warms up for {@value #WARM_UP_SECONDS} s: with C1 alone it spent about
 * three times the CPU per delivery, and with a 10 s warm-up the measured phases fell inside C2's compilation (its
 * thread at 40 % of a core a minute in), on two cores shared with the broker, Postgres, receiver and load generator.
 */
class HangingEndpointIT {

    private static final int DEFAULT_RATE = 300;
    private static final int RATE = Integer.getInteger("hang.rate", DEFAULT_RATE);
    /** The shipped 6; fewer put more of the hanging webhook's attempts on each partition. */
    private static final int PARTITIONS = Integer.getInteger("hang.partitions", 6);
    private static final int WARM_UP_SECONDS = 40;
    private static final int ALONE_SECONDS = 15;
    private static final int BESIDE_SECONDS = 40;
    private static final int HEALTHY = 9;
    private static final int COMMIT_CATCH_UP_SECONDS = 20;
    private static final String SLOW_CALL_AFTER = System.getProperty("hang.slow-call-after");

    private final String run = "hang_" + UUID.randomUUID().toString().substring(0, 8);
    private final BenchReceiver endpoints = new BenchReceiver();
    /** Another host: what this shows must not depend on sharing a connection pool with the nine. */
    private final BenchReceiver hangingHost = new BenchReceiver();
    private final AtomicBoolean sampling = new AtomicBoolean();
    private final AtomicLong longestPauseMs = new AtomicLong();
    private StandaloneBroker broker;
    private ServiceProcess service;

    @AfterEach
    void tearDown() {
        sampling.set(false);
        if (service != null) {
            service.close();
        }
        if (broker != null) {
            broker.close();
        }
        endpoints.close();
        hangingHost.close();
    }

    /** @param timeoutMs the hanging webhook's {@code timeout_ms}; 0 leaves it at the shipped {@code PUSH_TIMEOUT} */
    @ParameterizedTest(name = "timeout_ms {0}")
    @ValueSource(ints = {0, 600_000})
    void anEndpointThatNeverAnswersNeitherSlowsTheOthersNorPausesAPartitionNorHoldsTheCommitPoint(int timeoutMs)
            throws Exception {
        broker = StandaloneBroker.create(run);
        broker.start(Duration.ofSeconds(60));
        Map<String, String> properties = new java.util.HashMap<>(Map.of(
                "spring.kafka.bootstrap-servers", broker.bootstrapServers(),
                "idp.push.topics.partitions", Integer.toString(PARTITIONS),
                "idp.push.engine.poll-timeout", "500",
                "idp.push.webhooks.refresh-interval", "1000"));
        if (SLOW_CALL_AFTER != null) {
            properties.put("idp.push.endpoints.slow-call-after", SLOW_CALL_AFTER);
        }
        // the JVM as the image runs it: C1 alone (the other tests' quicker start) spent three times the CPU per
        // delivery, and on two cores shared with the broker, Postgres and the receiver that left no headroom
        ServiceProcess.Settings settings = new ServiceProcess.Settings(run, "512m", properties,
                ServiceProcess.Settings.DEPLOYED_JVM);
        service = ServiceProcess.start(settings, run);
        service.awaitConsuming(Duration.ofSeconds(120));
        String rule = "R_" + run;
        List<String> healthy = IntStream.range(0, HEALTHY).mapToObj(i -> "WH_" + run + "_" + i).toList();
        healthy.forEach(id -> createWebhook(id, endpoints.url("fast", id), rule, 0));
        Set<String> none = Set.of();
        try (EventSource source = new EventSource(broker.bootstrapServers())) {
            awaitDelivered(source, settings, rule, "W", 10, HEALTHY, none, Duration.ofSeconds(60));
            phase(source, settings, rule, "warm", WARM_UP_SECONDS, none);
            Recorder.Measured alone = phase(source, settings, rule, "alone", ALONE_SECONDS, none);

            String hanging = "WH_" + run + "_HANG";
            createWebhook(hanging, hangingHost.url("hang", hanging), rule, timeoutMs);
            awaitDelivered(source, settings, rule, "J", 10, HEALTHY + 1, none, Duration.ofSeconds(30));
            // episodes of the phase only: the timer's maximum also covers the warm-up, where a cold JVM pauses too
            long longBefore = pausesOverTwoSeconds();
            long pausesBefore = (long) metric("idp_push_engine_backpressure_seconds_count");
            Thread sampler = startSampler();
            Recorder.Measured beside = phase(source, settings, rule, "beside", BESIDE_SECONDS, Set.of(hanging));
            sampling.set(false);
            sampler.join(5_000);
            long longPauses = pausesOverTwoSeconds() - longBefore;
            long pauses = (long) metric("idp_push_engine_backpressure_seconds_count") - pausesBefore;
            long catchUpMs = commitCatchUpMs(settings);
            long longestPause = longestPauseMs.get();

            double perEndpointAlone = alone.perSecond() / HEALTHY;
            double perEndpointBeside = beside.perSecond() / HEALTHY;
            System.out.printf("[hanging-endpoint] %d events/s to %d webhooks, hanging one's deadline %s, slow-call-after %s:"
                    + " per healthy endpoint %.0f/s alone (p99 %.0f ms), %.0f/s beside one that never answers (%.0f %%, p99 %.0f ms);"
                    + " backpressure pauses meanwhile: %d, of which over 2 s: %d, longest seen going on %d ms; committed offsets caught up %s after"
                    + " the last delivery; circuit breaker of the hanging one: %s%n", RATE, HEALTHY + 1,
                    timeoutMs == 0 ? "30 s (shipped)" : timeoutMs / 1000 + " s", SLOW_CALL_AFTER == null ? "shipped" : SLOW_CALL_AFTER,
                    perEndpointAlone, alone.p99Ms(), perEndpointBeside, 100 * perEndpointBeside / perEndpointAlone,
                    beside.p99Ms(), pauses, longPauses, longestPause,
                    catchUpMs < 0 ? "not within " + COMMIT_CATCH_UP_SECONDS + " s" : "in " + catchUpMs + " ms",
                    breakerState(hanging));

            assertThat(perEndpointBeside / perEndpointAlone).as("healthy endpoints' throughput beside a hanging one")
                    .isGreaterThanOrEqualTo(0.9);
            assertThat(beside.p99Ms()).as("healthy endpoints' p99 beside a hanging one, ms").isLessThan(1000);
            assertThat(longPauses).as("backpressure pauses of a partition over 2 s beside the hanging one").isZero();
            assertThat(longestPause).as("longest backpressure pause seen going on, ms").isLessThanOrEqualTo(2000);
            assertThat(catchUpMs).as("ms until the input topic's committed offsets caught up (-1: not within "
                    + COMMIT_CATCH_UP_SECONDS + " s)").isNotNegative();
        }
    }

    /** Ms until the engine's group has committed all of the input topic, or -1 when it has not within the bound. */
    private long commitCatchUpMs(ServiceProcess.Settings settings) throws InterruptedException {
        long started = System.nanoTime();
        try (SinkLag lag = new SinkLag(broker.bootstrapServers(), settings.prefix(), settings.inputTopic())) {
            while (System.nanoTime() - started < COMMIT_CATCH_UP_SECONDS * 1_000_000_000L) {
                if (lag.lag() == 0) {
                    return (System.nanoTime() - started) / 1_000_000;
                }
                Thread.sleep(250);
            }
        }
        return -1;
    }

    /** Paced events for the given seconds; returns what the counted endpoints received of them. */
    private Recorder.Measured phase(EventSource source, ServiceProcess.Settings settings, String rule, String name,
            int seconds, Set<String> except) {
        int events = RATE * seconds;
        Recorder recorder = new Recorder(run + "-" + name + "-", events, 0, HEALTHY + 1);
        recordInto(recorder);
        source.produce(settings.inputTopic(), recorder, rule, events, RATE);
        await(name + ": every event at the " + HEALTHY + " healthy endpoints").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> recorder.received(except) >= (long) events * HEALTHY);
        System.out.printf("[hanging-endpoint] %s: worst latency of the events of each second, ms: %s%n", name,
                java.util.Arrays.toString(recorder.worstMsBySecond(seconds)));
        return recorder.measure(null, except);
    }

    /** Probes until each of {@code endpointsExpected} got one: the service's registry has the webhooks. */
    private void awaitDelivered(EventSource source, ServiceProcess.Settings settings, String rule, String name, int events,
            int endpointsExpected, Set<String> except, Duration timeout) {
        await(name + ": the service sees the webhooks").atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
            Recorder probe = new Recorder(run + "-" + name + System.nanoTime() + "-", events, 0, endpointsExpected);
            recordInto(probe);
            source.produce(settings.inputTopic(), probe, rule, events, 0);
            Thread.sleep(1_000);
            return probe.measure(null, except).endpoints() >= endpointsExpected;
        });
    }

    /** Both receivers report to {@code recorder}: the hanging host's requests count as arrived, not as answered. */
    private void recordInto(Recorder recorder) {
        endpoints.recordInto(recorder);
        hangingHost.recordInto(recorder);
    }

    private void createWebhook(String id, String url, String rule, int timeoutMs) {
        String timeout = timeoutMs == 0 ? "" : ",\"timeout_ms\":" + timeoutMs;
        var created = service.api().post("/api/v1/webhooks", """
                {"id":"%s","name":"%s","url":"%s","rule_ids":["%s"],"auth_type":"none"%s}""".formatted(id, id, url, rule, timeout));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private String breakerState(String webhook) {
        return service.metrics().lines().filter(l -> l.startsWith("resilience4j_circuitbreaker_state{") && l.contains(webhook)
                && l.endsWith(" 1.0")).map(l -> l.replaceAll(".*state=\"([^\"]+)\".*", "$1")).findFirst().orElse("?");
    }

    /** Backpressure episodes that ended after more than 2 s, since the service started. */
    private long pausesOverTwoSeconds() {
        String upToTwoSeconds = "le=\"2.0\"";
        double withinTwoSeconds = service.metrics().lines()
                .filter(l -> l.startsWith("idp_push_engine_backpressure_seconds_bucket{") && l.contains(upToTwoSeconds))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        return (long) (metric("idp_push_engine_backpressure_seconds_count") - withinTwoSeconds);
    }

    /** The largest sample of a meter (tags or none), or 0 when the service does not answer. */
    private double metric(String name) {
        return service.metrics().lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).max().orElse(0);
    }

    private Thread startSampler() {
        sampling.set(true);
        Thread thread = new Thread(() -> {
            while (sampling.get()) {
                double oldest = metric("idp_push_engine_backpressure_oldest_seconds");
                longestPauseMs.accumulateAndGet((long) (oldest * 1000), Math::max);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "hanging-endpoint-sampler");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
