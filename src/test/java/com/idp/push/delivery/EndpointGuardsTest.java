package com.idp.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class EndpointGuardsTest {

    private static final String URL = "https://hooks.example/in";
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final EndpointGuards guards = new EndpointGuards(
            new EndpointGuards.Settings(3, Duration.ZERO, 10, 4, 50, Duration.ofMinutes(1), 1), meters);

    @Test
    void aFullBulkheadRefusesWithoutSendingUntilASlotIsFree() {
        EndpointGuards.Pass first = admitted("WH_A");
        admitted("WH_A");
        admitted("WH_A");

        EndpointGuards.Admission fourth = guards.admit("WH_A", URL);

        assertThat(fourth).isInstanceOfSatisfying(EndpointGuards.Admission.Refused.class, refused -> {
            assertThat(refused.failure()).isEqualTo(Exchange.Failure.ENDPOINT_BUSY);
            assertThat(refused.reason()).contains("3 attempts already in flight");
            assertThat(new OutcomeClassifier(java.time.Clock.systemUTC())
                    .classify(new Exchange.NoResponse(refused.failure(), refused.reason(), 0)))
                    .as("not an attempt: it spends no retry").isInstanceOf(Verdict.NotSent.class);
        });
        assertThat(guards.admit("WH_B", URL)).as("another webhook has its own slots")
                .isInstanceOf(EndpointGuards.Admission.Admitted.class);
        first.done(ok());
        assertThat(guards.admit("WH_A", URL)).isInstanceOf(EndpointGuards.Admission.Admitted.class);
    }

    @Test
    void timeoutsAndConnectionFailuresOpenTheBreakerWhichThenFailsFast() {
        admitted("WH_A").done(new Exchange.NoResponse(Exchange.Failure.TIMEOUT, "timeout", 3000));
        admitted("WH_A").done(new Exchange.NoResponse(Exchange.Failure.CONNECTION, "refused", 1));
        admitted("WH_A").done(new Exchange.NoResponse(Exchange.Failure.TIMEOUT, "timeout", 3000));
        admitted("WH_A").done(ok());

        EndpointGuards.Admission next = guards.admit("WH_A", URL);

        assertThat(next).isInstanceOfSatisfying(EndpointGuards.Admission.Refused.class,
                refused -> assertThat(refused.failure()).isEqualTo(Exchange.Failure.CIRCUIT_OPEN));
        assertThat(new OutcomeClassifier(java.time.Clock.systemUTC())
                .classify(new Exchange.NoResponse(Exchange.Failure.CIRCUIT_OPEN, "open", 0)))
                .as("refused attempts go to the next retry stage").isInstanceOf(Verdict.Retryable.class);
        assertThat(guards.admit("WH_B", URL)).isInstanceOf(EndpointGuards.Admission.Admitted.class);
        assertThat(meters.find("resilience4j.circuitbreaker.state").tag("name", "WH_A").gauges()).isNotEmpty();
    }

    /**
     * A hanging endpoint would otherwise tell its breaker nothing until the deadline (30 s, up to 600 s): an
     * attempt still unanswered after the slow-call threshold counts then, as a slow call, and its real end
     * is not counted a second time.
     */
    @Test
    void attemptsStillUnansweredAfterTheSlowCallThresholdOpenTheBreakerBeforeTheirDeadline() throws Exception {
        EndpointGuards slowAware = new EndpointGuards(new EndpointGuards.Settings(10, Duration.ZERO, 10, 4, 50,
                Duration.ofMinutes(1), 1, Duration.ofMillis(200)), meters);
        java.util.List<EndpointGuards.Pass> hanging = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hanging.add(((EndpointGuards.Admission.Admitted) slowAware.admit("WH_H", URL)).pass());
        }
        assertThat(slowAware.admit("WH_H", URL)).as("not judged before the threshold")
                .isInstanceOf(EndpointGuards.Admission.Admitted.class);

        long started = System.nanoTime();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> slowAware.admit("WH_H", URL) instanceof EndpointGuards.Admission.Refused refused
                        && refused.failure() == Exchange.Failure.CIRCUIT_OPEN);
        long openedAfterMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(openedAfterMs).as("opened by the threshold, not by the calls' end").isLessThan(2_000);

        var breaker = meters.find("resilience4j.circuitbreaker.slow.calls").tag("name", "WH_H").gauges();
        assertThat(breaker).as("recorded as slow calls").isNotEmpty();
        double slowBefore = breaker.stream().mapToDouble(g -> g.value()).sum();
        hanging.forEach(pass -> pass.done(new Exchange.NoResponse(Exchange.Failure.TIMEOUT, "timeout", 30_000)));
        assertThat(breaker.stream().mapToDouble(g -> g.value()).sum()).as("their end is not counted again").isEqualTo(slowBefore);
    }

    /**
     * With a 600 s {@code timeout_ms}, a hanging endpoint's attempts would hold their records for ten minutes
     * after its breaker opened. Once the breaker is open, the slow ones are given up (a timeout the caller races
     * the request against); an attempt that is not yet slow, or that answered, is left alone.
     */
    @Test
    void slowAttemptsAreGivenUpOnceTheBreakerOpensAndOthersAreNot() throws Exception {
        EndpointGuards slowAware = new EndpointGuards(new EndpointGuards.Settings(20, Duration.ZERO, 10, 4, 50,
                Duration.ofMinutes(1), 1, Duration.ofMillis(300)), meters);
        java.util.List<EndpointGuards.Pass> hanging = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hanging.add(((EndpointGuards.Admission.Admitted) slowAware.admit("WH_G", URL)).pass());
        }
        EndpointGuards.Pass answered = ((EndpointGuards.Admission.Admitted) slowAware.admit("WH_G", URL)).pass();
        answered.done(ok());
        Thread.sleep(150);
        EndpointGuards.Pass recent = ((EndpointGuards.Admission.Admitted) slowAware.admit("WH_G", URL)).pass();

        for (EndpointGuards.Pass pass : hanging) {
            Exchange givenUp = pass.givenUp().get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(givenUp).isInstanceOfSatisfying(Exchange.NoResponse.class, timeout -> {
                assertThat(timeout.failure()).isEqualTo(Exchange.Failure.TIMEOUT);
                assertThat(timeout.message()).contains("circuit breaker opened");
                assertThat(timeout.durationMs()).isBetween(250L, 2_000L);
            });
        }
        assertThat(slowAware.admit("WH_G", URL)).isInstanceOfSatisfying(EndpointGuards.Admission.Refused.class,
                refused -> assertThat(refused.failure()).isEqualTo(Exchange.Failure.CIRCUIT_OPEN));
        assertThat(answered.givenUp()).as("an attempt that answered").isNotDone();
        assertThat(recent.givenUp()).as("not slow yet when the breaker opened").isNotDone();
        assertThat(recent.givenUp().get(5, java.util.concurrent.TimeUnit.SECONDS))
                .as("given up once slow, the breaker being open").isInstanceOf(Exchange.NoResponse.class);
    }

    @Test
    void answersOfAnyStatusDoNotCountAgainstTheEndpoint() {
        // a receiver answering 503 to first attempts and 200 to retries must keep getting its retries
        for (int i = 0; i < 8; i++) {
            admitted("WH_A").done(response(i % 2 == 0 ? 503 : 422));
        }

        assertThat(guards.admit("WH_A", URL)).isInstanceOf(EndpointGuards.Admission.Admitted.class);
    }

    @Test
    void aChangedUrlStartsWithAClosedBreaker() {
        for (int i = 0; i < 4; i++) {
            admitted("WH_A").done(new Exchange.NoResponse(Exchange.Failure.TIMEOUT, "timeout", 3000));
        }
        assertThat(guards.admit("WH_A", URL)).isInstanceOf(EndpointGuards.Admission.Refused.class);

        assertThat(guards.admit("WH_A", "https://fixed.example/in")).isInstanceOf(EndpointGuards.Admission.Admitted.class);
    }

    @Test
    void attemptsBeyondAFullBulkheadWaitForASlotFirstComeFirstServed() throws Exception {
        EndpointGuards waiting = new EndpointGuards(
                new EndpointGuards.Settings(2, Duration.ofMinutes(1), 10, 4, 50, Duration.ofMinutes(1), 1), meters);
        EndpointGuards.Pass first = pass(waiting.admitWaiting("WH_A", URL).get(1, TimeUnit.SECONDS));
        EndpointGuards.Pass second = pass(waiting.admitWaiting("WH_A", URL).get(1, TimeUnit.SECONDS));
        CompletableFuture<EndpointGuards.Admission> third = waiting.admitWaiting("WH_A", URL);
        CompletableFuture<EndpointGuards.Admission> fourth = waiting.admitWaiting("WH_A", URL);
        CompletableFuture<EndpointGuards.Admission> fifth = waiting.admitWaiting("WH_A", URL);

        assertThat(third).as("waits while both slots are taken").isNotDone();
        assertThat(fifth).as("no more waiters than slots: refused at once").isCompletedWithValueMatching(
                a -> a instanceof EndpointGuards.Admission.Refused r && r.failure() == Exchange.Failure.ENDPOINT_BUSY);

        first.done(ok());
        EndpointGuards.Pass thirdsPass = pass(third.get(5, TimeUnit.SECONDS));
        assertThat(fourth).as("the older waiter got the slot").isNotDone();
        second.done(ok());
        pass(fourth.get(5, TimeUnit.SECONDS));
        thirdsPass.done(ok());
        assertThat(waiting.admit("WH_A", URL)).as("exactly the freed slot is free")
                .isInstanceOf(EndpointGuards.Admission.Admitted.class);
        assertThat(waiting.admit("WH_A", URL)).isInstanceOf(EndpointGuards.Admission.Refused.class);
    }

    @Test
    void anEndpointThatFreesSlotsQuicklyHasMoreWaitersThanSlots() throws Exception {
        EndpointGuards waiting = new EndpointGuards(
                new EndpointGuards.Settings(2, Duration.ofMinutes(1), 10, 4, 50, Duration.ofMinutes(1), 1), meters);
        for (int i = 0; i < 5; i++) { // ten attempts answered within this slot wait
            pass(waiting.admitWaiting("WH_A", URL).get(1, TimeUnit.SECONDS)).done(ok());
            pass(waiting.admitWaiting("WH_A", URL).get(1, TimeUnit.SECONDS)).done(ok());
        }
        EndpointGuards.Pass first = pass(waiting.admitWaiting("WH_A", URL).get(1, TimeUnit.SECONDS));
        pass(waiting.admitWaiting("WH_A", URL).get(1, TimeUnit.SECONDS));
        java.util.List<CompletableFuture<EndpointGuards.Admission>> waiters = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiters.add(waiting.admitWaiting("WH_A", URL));
        }
        CompletableFuture<EndpointGuards.Admission> eleventh = waiting.admitWaiting("WH_A", URL);

        assertThat(waiters).as("ten wait, five times the slots: the endpoint freed ten in the last wait")
                .allMatch(waiter -> !waiter.isDone());
        assertThat(eleventh).as("beyond what it freed lately: refused at once").isCompletedWithValueMatching(
                a -> a instanceof EndpointGuards.Admission.Refused r && r.failure() == Exchange.Failure.ENDPOINT_BUSY);
        first.done(ok());
        pass(waiters.get(0).get(5, TimeUnit.SECONDS));
    }

    @Test
    void aWaitThatRunsOutIsRefusedAndHoldsNoSlot() throws Exception {
        EndpointGuards waiting = new EndpointGuards(
                new EndpointGuards.Settings(1, Duration.ofMillis(50), 10, 4, 50, Duration.ofMinutes(1), 1), meters);
        EndpointGuards.Pass only = pass(waiting.admitWaiting("WH_A", URL).get(1, TimeUnit.SECONDS));

        EndpointGuards.Admission late = waiting.admitWaiting("WH_A", URL).get(5, TimeUnit.SECONDS);

        assertThat(late).isInstanceOfSatisfying(EndpointGuards.Admission.Refused.class,
                refused -> assertThat(refused.failure()).isEqualTo(Exchange.Failure.ENDPOINT_BUSY));
        only.done(ok());
        assertThat(waiting.admitWaiting("WH_A", URL).get(1, TimeUnit.SECONDS))
                .as("the timed-out waiter did not take the slot that came free")
                .isInstanceOf(EndpointGuards.Admission.Admitted.class);
    }

    private static EndpointGuards.Pass pass(EndpointGuards.Admission admission) {
        assertThat(admission).isInstanceOf(EndpointGuards.Admission.Admitted.class);
        return ((EndpointGuards.Admission.Admitted) admission).pass();
    }

    private EndpointGuards.Pass admitted(String webhookId) {
        EndpointGuards.Admission admission = guards.admit(webhookId, URL);
        assertThat(admission).isInstanceOf(EndpointGuards.Admission.Admitted.class);
        return ((EndpointGuards.Admission.Admitted) admission).pass();
    }

    private static Exchange ok() {
        return response(200);
    }

    private static Exchange response(int status) {
        return new Exchange.Response(status, Map.of(), "", false, 5);
    }
}
