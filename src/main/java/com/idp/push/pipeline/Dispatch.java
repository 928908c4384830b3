package com.idp.push.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What a record handler did with a record. */
sealed interface Dispatch {

    /**
     * Work started; {@code done} completes when the record's outcome is durable.
     *
     * @param deliveries the record's deliveries (its fan-out), each completing on its own: the partition's
     *        in-flight limit counts running deliveries, so a record fanned out to ten webhooks is ten
     *        requests while they run, and one that waits on a slow endpoint is one
     */
    record Started(CompletableFuture<?> done, List<? extends CompletableFuture<?>> deliveries) implements Dispatch {

        Started(CompletableFuture<?> done) {
            this(done, List.of(done));
        }
    }

    /** A delay-topic record that must not be attempted before {@code dueAt}; nothing was done. */
    record NotDue(Instant dueAt) implements Dispatch {
    }
}
