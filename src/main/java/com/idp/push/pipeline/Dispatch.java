package com.idp.push.pipeline;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** What a record handler did with a record. */
sealed interface Dispatch {

    /** Work started; {@code done} completes when the record's outcome is durable. */
    record Started(CompletableFuture<?> done) implements Dispatch {
    }

    /** A delay-topic record that must not be attempted before {@code dueAt}; nothing was done. */
    record NotDue(Instant dueAt) implements Dispatch {
    }
}
