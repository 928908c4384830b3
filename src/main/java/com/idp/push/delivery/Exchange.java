package com.idp.push.delivery;

import java.util.Map;

/** What came back from one HTTP attempt: a response, or the reason there was none. */
public sealed interface Exchange {

    long durationMs();

    /**
     * @param body the response body as text, cut at the configured cap
     * @param truncated whether the body was longer than the cap
     */
    record Response(int status, Map<String, String> headers, String body, boolean truncated, long durationMs)
            implements Exchange {
    }

    record NoResponse(Failure failure, String message, long durationMs) implements Exchange {
    }

    /** Why no response was received; {@link OutcomeClassifier} decides which of these are retried. */
    enum Failure {
        TIMEOUT, CONNECTION, DNS, TLS, PROTOCOL, BLOCKED_ADDRESS, TEMPLATE, WEBHOOK_UNAVAILABLE, INVALID_REQUEST,
        /**
         * Not sent: a secret of the webhook does not decrypt with the configured keys (a key rotation in
         * progress); retried, since configuring the key heals it without changing the webhook.
         */
        WEBHOOK_UNLOADABLE,
        /** Not sent: the endpoint's circuit breaker is open ({@link EndpointGuards}). */
        CIRCUIT_OPEN,
        /** Not sent: the endpoint already has its bulkhead's maximum of attempts in flight. */
        ENDPOINT_BUSY
    }
}
