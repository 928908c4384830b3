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
