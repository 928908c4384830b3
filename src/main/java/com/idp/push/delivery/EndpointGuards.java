package com.idp.push.delivery;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Isolates endpoints from each other: per webhook, a bulkhead (a limit on concurrent attempts) and a
 * circuit breaker (resilience4j). An endpoint that hangs can hold at most its bulkhead's slots (the
 * delivery processor parks refused deliveries in a delay topic); once enough of its attempts got no
 * answer, its breaker opens and further attempts fail at once, without a request, into the next retry
 * stage. Either way the records that also carry deliveries to healthy endpoints complete quickly, so one
 * bad receiver does not back up everyone else (no head-of-line blocking).
 *
 * <p>Keyed by webhook id rather than host: two customers on the same SaaS host do not trip each other's
 * breaker. A webhook whose URL changes gets a fresh breaker and bulkhead. Admission never blocks: it runs
 * on the engine's threads.
 */
public final class EndpointGuards {

    private final BulkheadRegistry bulkheads;
    private final CircuitBreakerRegistry breakers;
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();

    public EndpointGuards(Settings settings, MeterRegistry meters) {
        this.bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(settings.maxConcurrent())
                .maxWaitDuration(Duration.ZERO)
                .build());
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.breakerWindow())
                .minimumNumberOfCalls(settings.breakerMinimumCalls())
                .failureRateThreshold(settings.breakerFailureRate())
                .waitDurationInOpenState(settings.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(settings.breakerHalfOpenCalls())
                .build());
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
    }

    /** Lets an attempt to the webhook's endpoint start, or says why it may not. */
    public Admission admit(String webhookId, String url) {
        Guard guard = guards.get(webhookId); // lock-free on the hot path; compute only for new or changed URLs
        if (guard == null || !guard.url().equals(url)) {
            guard = guards.compute(webhookId,
                    (id, current) -> current != null && current.url().equals(url) ? current : freshGuard(id, url));
        }
        if (!guard.breaker().tryAcquirePermission()) {
            return new Admission.Refused(Exchange.Failure.CIRCUIT_OPEN, "circuit open: recent attempts to this endpoint "
                    + "failed; not sent, retried later (" + guard.breaker().getMetrics().getFailureRate() + "% failed)");
        }
        if (!guard.bulkhead().tryAcquirePermission()) {
            guard.breaker().releasePermission();
            return new Admission.Refused(Exchange.Failure.ENDPOINT_BUSY, "endpoint busy: "
                    + guard.bulkhead().getBulkheadConfig().getMaxConcurrentCalls()
                    + " attempts already in flight to this endpoint; not sent, retried later");
        }
        return new Admission.Admitted(new Pass(guard));
    }

    /** A new webhook, or one whose URL changed: the old endpoint's history says nothing about the new one. */
    private Guard freshGuard(String id, String url) {
        bulkheads.remove(id);
        breakers.remove(id);
        return new Guard(url, bulkheads.bulkhead(id), breakers.circuitBreaker(id));
    }

    /** Whether an attempt may start. */
    public sealed interface Admission {

        /** Call {@link Pass#done} exactly once when the attempt has its outcome. */
        record Admitted(Pass pass) implements Admission {
        }

        record Refused(Exchange.Failure failure, String reason) implements Admission {
        }
    }

    /** One admitted attempt: frees its bulkhead slot and tells the breaker how it went. */
    public static final class Pass {
        private final Guard guard;

        private Pass(Guard guard) {
            this.guard = guard;
        }

        public void done(Exchange exchange) {
            guard.bulkhead().onComplete();
            if (endpointFailed(exchange)) {
                guard.breaker().onError(exchange.durationMs(), TimeUnit.MILLISECONDS, new EndpointFailure());
            } else {
                guard.breaker().onSuccess(exchange.durationMs(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * What counts against an endpoint's health: no answer at all (timeout, connection, DNS, TLS or
     * protocol failure), the failures that hold a slot and a connection for up to the deadline. An answer
     * of any status came back, so the endpoint is up and cost no more than a success: a 5xx is left to the
     * retry schedule (and its Retry-After), a 4xx is about this one request. Counting 5xx answers made a
     * receiver that answers 503 to first attempts and 200 to retries open the breaker, after which its
     * retries were refused without a request and every delivery ended in the DLQ (benchmark S5,
     * docs/performance.md).
     */
    static boolean endpointFailed(Exchange exchange) {
        if (exchange instanceof Exchange.Response) {
            return false;
        }
        return switch (((Exchange.NoResponse) exchange).failure()) {
            case TIMEOUT, CONNECTION, DNS, TLS, PROTOCOL -> true;
            default -> false;
        };
    }

    /**
     * @param maxConcurrent attempts in flight per webhook; beyond it attempts are refused at once
     * @param breakerWindow attempts the breaker looks back over
     * @param breakerMinimumCalls attempts before the breaker may judge
     * @param breakerFailureRate percentage of failed attempts that opens the breaker
     * @param breakerOpenFor how long an open breaker refuses attempts before letting a few through
     * @param breakerHalfOpenCalls trial attempts while half open
     */
    public record Settings(int maxConcurrent, int breakerWindow, int breakerMinimumCalls, float breakerFailureRate,
            Duration breakerOpenFor, int breakerHalfOpenCalls) {
    }

    private record Guard(String url, Bulkhead bulkhead, CircuitBreaker breaker) {
    }

    /** Recorded by the breaker in place of an exception: the outcome is data, not a throwable. */
    private static final class EndpointFailure extends RuntimeException {
        EndpointFailure() {
            super("endpoint failed", null, false, false);
        }
    }
}
