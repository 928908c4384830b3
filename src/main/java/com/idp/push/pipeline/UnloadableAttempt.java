package com.idp.push.pipeline;

import com.idp.push.delivery.Exchange;
import com.idp.push.webhook.LoadError;
import com.idp.push.webhook.UnloadableWebhook;

/**
 * What an attempt of a webhook the registry could not load amounts to: nothing is sent, and the failure is
 * chosen by what would heal the problem, so that {@link com.idp.push.delivery.OutcomeClassifier} retries it
 * or dead-letters it like any other failure.
 * <ul>
 * <li>a secret that does not decrypt: retryable, {@code webhook-unloadable: …}. A key rotation in progress
 * (rows written under a key this instance is not configured with yet) heals by configuration alone, so the
 * delay topics give it time; should it not heal within the retry budget, the dead letter names the key id,
 * and a re-push after the fix delivers it.
 * <li>a stored template that no longer compiles: a template error, not retried (SPEC §4). Only a new
 * template saved by an operator heals it, and retrying the same template would fail the same way.
 * <li>any other unusable row (a URL that does not parse): not retried either, {@code webhook-unloadable: …},
 * for the same reason: the stored data must change first.
 * </ul>
 */
final class UnloadableAttempt {

    private UnloadableAttempt() {
    }

    static Exchange.NoResponse of(UnloadableWebhook webhook) {
        LoadError error = webhook.error();
        if (error instanceof LoadError.SecretUnreadable) {
            return new Exchange.NoResponse(Exchange.Failure.WEBHOOK_UNLOADABLE, "webhook-unloadable: " + error.detail(), 0);
        }
        if (error instanceof LoadError.TemplateInvalid) {
            return new Exchange.NoResponse(Exchange.Failure.TEMPLATE, "template error: " + error.detail(), 0);
        }
        return new Exchange.NoResponse(Exchange.Failure.WEBHOOK_UNAVAILABLE, "webhook-unloadable: " + error.detail(), 0);
    }
}
