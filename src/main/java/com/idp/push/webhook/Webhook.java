package com.idp.push.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import com.idp.push.delivery.BodyTemplate;

/**
 * A customer endpoint as the delivery path needs it: secrets decrypted, template compiled.
 *
 * A stored template that does not compile makes the webhook an {@link UnloadableWebhook} instead.
 *
 * @param bodyTemplate the compiled template, or null for the default body
 * @param timeout the per-webhook deadline, or null for {@code PUSH_TIMEOUT}
 */
public record Webhook(
        String id,
        String name,
        URI url,
        boolean enabled,
        Set<String> ruleIds,
        AuthConfig auth,
        String secretKey,
        BodyTemplate bodyTemplate,
        Map<String, String> headers,
        Duration timeout) implements WebhookEntry {

    /** The rule id that binds a webhook to every rule. */
    public static final String ANY_RULE = "*";

    public Webhook {
        ruleIds = Set.copyOf(ruleIds);
        headers = Map.copyOf(headers);
    }

    @Override
    public String toString() {
        return "Webhook[id=" + id + ", url=" + url + ", enabled=" + enabled + ", rules=" + ruleIds
                + ", auth=" + auth.type() + "]";
    }
}
