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
    record Started(CompletableFuture<?> done, List<Running> deliveries) implements Dispatch {

        /** Work for no particular webhook (a set-aside copy, a requeue, a record with nothing to deliver). */
        Started(CompletableFuture<?> done) {
            this(done, List.of(new Running(null, done)));
        }

        /** One delivery to one webhook (a record of a delay or replay topic). */
        static Started of(String webhookId, CompletableFuture<?> done) {
            return new Started(done, List.of(new Running(webhookId, done)));
        }
    }

    /**
     * One running delivery.
     *
     * @param webhookId whose it is, or null for work that is no webhook's
     */
    record Running(String webhookId, CompletableFuture<?> done) {
    }

    /** A delay-topic record that must not be attempted before {@code dueAt}; nothing was done. */
    record NotDue(Instant dueAt) implements Dispatch {
    }
}
