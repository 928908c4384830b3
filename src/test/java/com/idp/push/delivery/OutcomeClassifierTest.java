package com.idp.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OutcomeClassifierTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final OutcomeClassifier classifier = new OutcomeClassifier(clock);

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204, 299})
    void twoHundredsAreSuccess(int status) {
        assertThat(classifier.classify(response(status, Map.of()))).isInstanceOf(Verdict.Success.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 599, 429, 408})
    void serverErrorsTooManyRequestsAndRequestTimeoutAreRetried(int status) {
        assertThat(classifier.classify(response(status, Map.of()))).isInstanceOf(Verdict.Retryable.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 405, 409, 410, 413, 422, 499, 300, 301, 302, 303, 307, 308, 100})
    void otherClientErrorsRedirectsAndOddStatusesAreFatal(int status) {
        Verdict verdict = classifier.classify(response(status, Map.of()));
        assertThat(verdict).isInstanceOf(Verdict.Fatal.class);
        assertThat(verdict.reason()).contains(Integer.toString(status));
    }

    @Test
    void aRedirectNamesWhereItPointed() {
        assertThat(classifier.classify(response(302, Map.of("location", "https://elsewhere.example/")))
                .reason()).contains("redirects are not followed").contains("https://elsewhere.example/");
    }

    @ParameterizedTest
    @EnumSource(value = Exchange.Failure.class, names = {"TIMEOUT", "CONNECTION", "DNS", "TLS", "PROTOCOL", "WEBHOOK_UNLOADABLE"})
    void transportFailuresAndUndecryptableSecretsAreRetried(Exchange.Failure failure) {
        assertThat(classifier.classify(new Exchange.NoResponse(failure, "x", 1))).isInstanceOf(Verdict.Retryable.class);
    }

    @ParameterizedTest
    @EnumSource(value = Exchange.Failure.class, names = {"BLOCKED_ADDRESS", "TEMPLATE", "WEBHOOK_UNAVAILABLE", "INVALID_REQUEST"})
    void configurationFailuresAreFatal(Exchange.Failure failure) {
        assertThat(classifier.classify(new Exchange.NoResponse(failure, "x", 1))).isInstanceOf(Verdict.Fatal.class);
    }

    @Test
    void retryAfterSecondsOn429And503() {
        assertThat(((Verdict.Retryable) classifier.classify(response(429, Map.of("retry-after", "120")))).retryAfter())
                .isEqualTo(Duration.ofSeconds(120));
        assertThat(((Verdict.Retryable) classifier.classify(response(503, Map.of("retry-after", " 7 ")))).retryAfter())
                .isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void retryAfterAsHttpDate() {
        Verdict verdict = classifier.classify(response(503, Map.of("retry-after", "Thu, 01 Jan 2026 00:01:30 GMT")));
        assertThat(((Verdict.Retryable) verdict).retryAfter()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void retryAfterIgnoredWhenUnreadableOrOnOtherStatuses() {
        assertThat(((Verdict.Retryable) classifier.classify(response(503, Map.of("retry-after", "soon")))).retryAfter()).isNull();
        assertThat(((Verdict.Retryable) classifier.classify(response(500, Map.of("retry-after", "60")))).retryAfter()).isNull();
    }

    private static Exchange response(int status, Map<String, String> headers) {
        return new Exchange.Response(status, headers, "", false, 5);
    }
}
