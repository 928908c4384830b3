package com.idp.push.webhook;

import java.util.Set;

/**
 * A stored webhook this instance could not turn into a {@link Webhook}: only what routing and the attempt log
 * need (no secret, not even as ciphertext), and the {@link LoadError}.
 *
 * @param url the stored URL as text: it may be the very thing that does not parse
 */
public record UnloadableWebhook(String id, String url, boolean enabled, Set<String> ruleIds, LoadError error)
        implements WebhookEntry {

    public UnloadableWebhook {
        ruleIds = Set.copyOf(ruleIds);
    }
}
