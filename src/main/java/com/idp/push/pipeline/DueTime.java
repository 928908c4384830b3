package com.idp.push.pipeline;

import java.time.Instant;

/**
 * When a delay-topic record is due, and whether its {@code idp-due-at} header was overruled because it asked
 * for more than idp-push itself could have written (so the router can say so in the log).
 */
record DueTime(Instant at, boolean clamped) {
}
