package com.idp.push.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The one place that decides what an attempt's result means (SPEC §4): 2xx success; 5xx, 429, 408,
 * every transport failure, attempts an open circuit breaker refused and webhooks whose secret does not decrypt
 * (yet) retryable; other 4xx, 3xx
 * (redirects are not followed), template errors, blocked addresses and unusable webhooks fatal; an attempt
 * a full bulkhead refused was not made at all.
 */
public final class OutcomeClassifier {

    private final Clock clock;

    public OutcomeClassifier(Clock clock) {
        this.clock = clock;
    }

    public Verdict classify(Exchange exchange) {
        if (exchange instanceof Exchange.Response response) {
            return classify(response);
        }
        Exchange.NoResponse none = (Exchange.NoResponse) exchange;
        return switch (none.failure()) {
            case TIMEOUT, CONNECTION, DNS, TLS, PROTOCOL, CIRCUIT_OPEN, WEBHOOK_UNLOADABLE ->
                    new Verdict.Retryable(none.message(), null);
            case ENDPOINT_BUSY -> new Verdict.NotSent(none.message());
            case BLOCKED_ADDRESS, TEMPLATE, WEBHOOK_UNAVAILABLE, INVALID_REQUEST -> new Verdict.Fatal(none.message());
        };
    }

    private Verdict classify(Exchange.Response response) {
        int status = response.status();
        if (status >= 200 && status < 300) {
            return new Verdict.Success("HTTP " + status);
        }
        if (status >= 500 || status == 429 || status == 408) {
            Duration retryAfter = status == 429 || status == 503 ? retryAfter(response.headers().get("retry-after")) : null;
            return new Verdict.Retryable("HTTP " + status, retryAfter);
        }
        if (status >= 300 && status < 400) {
            String location = response.headers().get("location");
            return new Verdict.Fatal("HTTP " + status + ": redirects are not followed"
                    + (location == null ? "" : " (Location: " + location + ")"));
        }
        return new Verdict.Fatal("HTTP " + status);
    }

    /** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3); null when absent or unreadable. */
    Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        try {
            long seconds = Long.parseLong(trimmed);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration delay = Duration.between(clock.instant(), at);
                return delay.isNegative() ? Duration.ZERO : delay;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
