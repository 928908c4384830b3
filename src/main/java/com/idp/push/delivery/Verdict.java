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

    /** Not worth retrying: straight to the DLQ. */
    record Fatal(String reason) implements Verdict {
    }
}
