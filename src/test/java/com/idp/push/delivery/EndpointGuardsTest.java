package com.idp.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class EndpointGuardsTest {

    private static final String URL = "https://hooks.example/in";
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final EndpointGuards guards = new EndpointGuards(
            new EndpointGuards.Settings(3, 10, 4, 50, Duration.ofMinutes(1), 1), meters);

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
