package com.idp.push.delivery;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import reactor.core.scheduler.Schedulers;

/**
 * Isolates endpoints from each other: per webhook, a bulkhead (a limit on concurrent attempts) and a
 * circuit breaker (resilience4j). An endpoint that hangs can hold at most its bulkhead's slots; attempts
 * beyond them wait a short while for a slot, as many as there are slots (more at an endpoint that frees
 * slots quickly), then are refused (the delivery processor parks them in a delay topic). Once enough of
 * its attempts got no answer, its breaker opens and further attempts fail at once, without a request,
 * into the next retry stage. Either way the records that also carry deliveries to healthy endpoints complete quickly, so one
 * bad receiver does not back up everyone else (no head-of-line blocking).
 *
 * <p>Keyed by webhook id rather than host: two customers on the same SaaS host do not trip each other's
 * breaker. A webhook whose URL changes gets a fresh breaker and bulkhead. Admission never blocks: it runs
 * on the engine's threads, and a wait for a slot is a future, completed when an attempt to that endpoint
 * finishes or the wait runs out.
 */
public final class EndpointGuards {

    /** Non-blocking work only (an attempt's request is sent asynchronously), so Reactor's shared CPU pool. */
    private static final Executor HAND_OFF = task -> Schedulers.parallel().schedule(task);

    private final BulkheadRegistry bulkheads;
    private final CircuitBreakerRegistry breakers;
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    /**
     * One wheel for every attempt's slow-call check: adding and cancelling a timeout is constant time, and most
     * are cancelled (the answer came first), which a scheduled executor would pay for in its heap.
     */
    private static final HashedWheelTimer SLOW_CALL_TIMER = new HashedWheelTimer(
            new DefaultThreadFactory("idp-push-slow-calls", true), 100, TimeUnit.MILLISECONDS);

    private final Duration slotWait;
    private final int maxWaiting;
    private final Duration turnoverWindow;
    private final Duration slowCallAfter;

    public EndpointGuards(Settings settings, MeterRegistry meters) {
        this.slotWait = settings.slotWait();
        this.maxWaiting = settings.maxConcurrent();
        this.turnoverWindow = settings.slotWait().isZero() ? Duration.ofSeconds(1) : settings.slotWait();
        this.slowCallAfter = settings.slowCallAfter();
        this.bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(settings.maxConcurrent())
                .maxWaitDuration(Duration.ZERO)
                .build());
        CircuitBreakerConfig.Builder breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.breakerWindow())
                .minimumNumberOfCalls(settings.breakerMinimumCalls())
                .failureRateThreshold(settings.breakerFailureRate())
                .waitDurationInOpenState(settings.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(settings.breakerHalfOpenCalls());
        if (!settings.slowCallAfter().isZero()) {
            // the same rate of slow calls opens it; attempts judged at the threshold are also failures
            breakerConfig.slowCallDurationThreshold(settings.slowCallAfter())
                    .slowCallRateThreshold(settings.breakerFailureRate());
        }
        this.breakers = CircuitBreakerRegistry.of(breakerConfig.build());
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
    }

    /** Lets an attempt start now, or says why it may not; never waits (for tests probing the slots). */
    Admission admit(String webhookId, String url) {
        return tryAdmit(guard(webhookId, url));
    }

    /**
     * Lets an attempt to the webhook's endpoint start, or says why it may not. When only the bulkhead is
     * full the attempt waits for a slot, first come first served, for up to the configured slot wait, and is
     * refused when none came free. A burst to one slow endpoint then queues here for a moment instead of
     * making a round trip through a delay topic per attempt beyond the bulkhead (benchmark S2,
     * docs/performance.md).
     */
    public CompletableFuture<Admission> admitWaiting(String webhookId, String url) {
        Guard guard = guard(webhookId, url);
        Admission admission = tryAdmit(guard);
        if (!isBusy(admission) || slotWait.isZero()) {
            return CompletableFuture.completedFuture(admission);
        }
        if (guard.waitingCount().incrementAndGet() > maxWaiting(guard)) {
            guard.waitingCount().decrementAndGet();
            return CompletableFuture.completedFuture(admission);
        }
        CompletableFuture<Admission> waiter = new CompletableFuture<>();
        // completed on the hand-off pool, not on the JDK's single timer thread: whoever waits on it goes on to
        // park the delivery in a delay topic, and a producer waiting for buffer space must not stall all timers
        CompletableFuture.delayedExecutor(slotWait.toMillis(), TimeUnit.MILLISECONDS, HAND_OFF)
                .execute(() -> waiter.complete(admission));
        guard.waiting().add(waiter);
        handOutSlots(guard); // a slot may have come free since tryAdmit
        return waiter;
    }

    /**
     * As many attempts may wait as the bulkhead has slots, or as many as the endpoint freed slots in the last
     * slot wait when that is more: a fast receiver under a burst larger than its slots and waiters empties the
     * queue well within the wait, and parking the rest in the first delay topic held a healthy endpoint's
     * deliveries back by its whole delay (10 s). That was most of the fast path's lost throughput as deployed:
     * 6 partitions of 512 deliveries in flight meet a bulkhead of 1,000 with 1,000 waiters (benchmark S1 as
     * deployed: 1,635/s with the parking, 3,835/s without). An endpoint whose slots are stuck frees none and keeps the bound of its slots.
     */
    private int maxWaiting(Guard guard) {
        return Math.max(maxWaiting, guard.turnover().recent());
    }

    /** Gives free slots to waiting attempts, oldest first; drops waiters whose wait ran out. */
    private void handOutSlots(Guard guard) {
        while (true) {
            CompletableFuture<Admission> waiter = guard.waiting().peek();
            if (waiter == null) {
                return;
            }
            if (waiter.isDone()) {
                leave(guard, waiter);
                continue;
            }
            Admission admission = tryAdmit(guard);
            if (isBusy(admission)) {
                return;
            }
            // Another thread may hand out the same waiter's slot, or its wait may run out meanwhile. Completed on
            // another thread: here it runs inside Pass.done, and an attempt that ends at once (say, a refused
            // connection) would hand the next slot out from inside this call, one stack level per waiter.
            if (leave(guard, waiter)) {
                HAND_OFF.execute(() -> {
                    if (!waiter.complete(admission)) {
                        giveBack(admission);
                    }
                });
            } else {
                giveBack(admission);
            }
        }
    }

    private static void giveBack(Admission admission) {
        if (admission instanceof Admission.Admitted admitted) {
            admitted.pass().giveBack();
        }
    }

    /** Takes the waiter out of the queue; false when another thread already did. */
    private static boolean leave(Guard guard, CompletableFuture<Admission> waiter) {
        if (guard.waiting().remove(waiter)) {
            guard.waitingCount().decrementAndGet();
            return true;
        }
        return false;
    }

    private static boolean isBusy(Admission admission) {
        return admission instanceof Admission.Refused refused && refused.failure() == Exchange.Failure.ENDPOINT_BUSY;
    }

    private Guard guard(String webhookId, String url) {
        Guard guard = guards.get(webhookId); // lock-free on the hot path; compute only for new or changed URLs
        if (guard == null || !guard.url().equals(url)) {
            guard = guards.compute(webhookId,
                    (id, current) -> current != null && current.url().equals(url) ? current : freshGuard(id, url));
        }
        return guard;
    }

    private Admission tryAdmit(Guard guard) {
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
        return new Admission.Admitted(new Pass(this, guard));
    }

    /** A new webhook, or one whose URL changed: the old endpoint's history says nothing about the new one. */
    private Guard freshGuard(String id, String url) {
        bulkheads.remove(id);
        breakers.remove(id);
        CircuitBreaker breaker = breakers.circuitBreaker(id);
        Set<Pass> unanswered = ConcurrentHashMap.newKeySet();
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                unanswered.forEach(Pass::giveUpIfSlow);
            }
        });
        return new Guard(url, bulkheads.bulkhead(id), breaker, new ConcurrentLinkedQueue<>(), new AtomicInteger(),
                unanswered, new Turnover(turnoverWindow.toNanos(), System::nanoTime));
    }

    /** Whether an attempt may start. */
    public sealed interface Admission {

        /** Call {@link Pass#done} exactly once when the attempt has its outcome, or {@link Pass#unused} when nothing was sent. */
        record Admitted(Pass pass) implements Admission {
        }

        record Refused(Exchange.Failure failure, String reason) implements Admission {
        }
    }

    /**
     * One admitted attempt: frees its bulkhead slot and tells the breaker how it went, once. An attempt still
     * unanswered at the slow-call threshold is told to the breaker then, as a slow call without an answer: a
     * hanging endpoint opens its breaker after the threshold instead of after its deadline, and a half-open
     * breaker's trial attempts decide within the threshold too.
     *
     * <p>Once the breaker is open, an attempt that is slow as well is given up ({@link #givenUp()} completes
     * with a timeout): the endpoint is judged down, and waiting out a deadline of up to {@code timeout_ms}
     * would hold the attempt's record, and with it the commit point of its partition, for everyone else.
     * It is retried like any timeout.
     */
    public static final class Pass {
        private final EndpointGuards guards;
        private final Guard guard;
        private final long startedNanos = System.nanoTime();
        private final AtomicBoolean judged = new AtomicBoolean();
        private final AtomicBoolean slow = new AtomicBoolean();
        private final CompletableFuture<Exchange> givenUp = new CompletableFuture<>();
        private final Timeout slowCall;

        private Pass(EndpointGuards guards, Guard guard) {
            this.guards = guards;
            this.guard = guard;
            if (guards.slowCallAfter.isZero()) {
                this.slowCall = null;
            } else {
                guard.unanswered().add(this);
                this.slowCall = SLOW_CALL_TIMER.newTimeout(ignored -> judgeSlow(), guards.slowCallAfter.toNanos(),
                        TimeUnit.NANOSECONDS);
            }
        }

        /**
         * Completes, never exceptionally, with a timeout when this attempt is given up: race the request against
         * it and cancel the request when it wins. Never completes for an attempt that gets its answer in time.
         */
        public CompletableFuture<Exchange> givenUp() {
            return givenUp;
        }

        public void done(Exchange exchange) {
            forget();
            guard.bulkhead().onComplete();
            guard.turnover().slotFreed();
            if (judged.compareAndSet(false, true)) {
                if (endpointFailed(exchange)) {
                    guard.breaker().onError(exchange.durationMs(), TimeUnit.MILLISECONDS, new EndpointFailure());
                } else {
                    guard.breaker().onSuccess(exchange.durationMs(), TimeUnit.MILLISECONDS);
                }
            }
            guards.handOutSlots(guard);
        }

        /** On the timer's thread, at the slow-call threshold. */
        private void judgeSlow() {
            slow.set(true);
            if (judged.compareAndSet(false, true)) {
                guard.breaker().onError(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS, new NoAnswerYet());
            }
            CircuitBreaker.State state = guard.breaker().getState();
            if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
                giveUpIfSlow();
            }
        }

        /** When the breaker opens, and when a slow attempt is judged with the breaker already open. */
        private void giveUpIfSlow() {
            if (slow.get() && !givenUp.isDone()) {
                long elapsedMs = (System.nanoTime() - startedNanos) / 1_000_000;
                Exchange timeout = new Exchange.NoResponse(Exchange.Failure.TIMEOUT, "timeout: no answer after "
                        + elapsedMs + " ms, and the endpoint's circuit breaker opened; given up before the deadline",
                        elapsedMs);
                // whoever waits on it goes on to route the outcome (a produce that may wait for buffer space):
                // not on the timer's thread, nor inside the breaker's state transition
                HAND_OFF.execute(() -> givenUp.complete(timeout));
            }
        }

        /**
         * Nothing was sent with this pass (the request could not be built): frees its slot without telling the
         * breaker anything, since the endpoint was not asked. Instead of {@link #done}.
         */
        public void unused() {
            giveBack();
            guards.handOutSlots(guard);
        }

        /** A slot taken for a waiter that no longer wants it: free it without telling the breaker anything. */
        private void giveBack() {
            forget();
            guard.bulkhead().onComplete();
            if (judged.compareAndSet(false, true)) {
                guard.breaker().releasePermission();
            }
        }

        private void forget() {
            if (slowCall != null) {
                slowCall.cancel();
                guard.unanswered().remove(this);
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
     * @param maxConcurrent attempts in flight per webhook; beyond it attempts wait for a slot, as many as this
     * @param slotWait how long an attempt waits for a slot before it is refused; zero refuses at once
     * @param breakerWindow attempts the breaker looks back over
     * @param breakerMinimumCalls attempts before the breaker may judge
     * @param breakerFailureRate percentage of failed attempts that opens the breaker
     * @param breakerOpenFor how long an open breaker refuses attempts before letting a few through
     * @param breakerHalfOpenCalls trial attempts while half open
     */
    public record Settings(int maxConcurrent, Duration slotWait, int breakerWindow, int breakerMinimumCalls,
            float breakerFailureRate, Duration breakerOpenFor, int breakerHalfOpenCalls, Duration slowCallAfter) {

        /** Without slow-call judgement: attempts count only when they end. */
        public Settings(int maxConcurrent, Duration slotWait, int breakerWindow, int breakerMinimumCalls,
                float breakerFailureRate, Duration breakerOpenFor, int breakerHalfOpenCalls) {
            this(maxConcurrent, slotWait, breakerWindow, breakerMinimumCalls, breakerFailureRate, breakerOpenFor,
                    breakerHalfOpenCalls, Duration.ZERO);
        }
    }

    /**
     * @param waiting attempts waiting for a slot, oldest first; each completes once, with whatever it got
     * @param waitingCount the queue's length (a concurrent queue counts by walking itself)
     * @param unanswered admitted attempts not done yet, when slow calls are judged: given up as the breaker opens
     */
    private record Guard(String url, Bulkhead bulkhead, CircuitBreaker breaker,
            Queue<CompletableFuture<Admission>> waiting, AtomicInteger waitingCount, Set<Pass> unanswered,
            Turnover turnover) {
    }

    /** Recorded for an attempt still without an answer at the slow-call threshold. */
    private static final class NoAnswerYet extends RuntimeException {
        NoAnswerYet() {
            super("no answer within the slow-call threshold", null, false, false);
        }
    }

    /** Recorded by the breaker in place of an exception: the outcome is data, not a throwable. */
    private static final class EndpointFailure extends RuntimeException {
        EndpointFailure() {
            super("endpoint failed", null, false, false);
        }
    }
}
