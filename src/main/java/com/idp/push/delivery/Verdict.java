package com.idp.push.delivery;

import java.time.Duration;

/** The meaning of an attempt's {@link Exchange}, per the SPEC's outcome table. */
public sealed interface Verdict {

    String reason();

    record Success(String reason) implements Verdict {
    }

    /** @param retryAfter what the receiver asked for with Retry-After, or null */
    record Retryable(String reason, Duration retryAfter) implements Verdict {
    }

    /**
     * Nothing was sent (the endpoint's bulkhead was full): not an attempt, so it spends no retry and is
     * simply tried again later.
     */
    record NotSent(String reason) implements Verdict {
    }

    /** Not worth retrying: straight to the DLQ. */
    record Fatal(String reason) implements Verdict {
    }
}
