package com.idp.push.webhook;

import java.util.Set;

/**
 * What the registry holds for a stored webhook: the delivery-ready {@link Webhook}, or, when this instance
 * could not build one, an {@link UnloadableWebhook} carrying why. The broken case is kept rather than left
 * out so that its rule's events still fan out to it and its deliveries end in a visible outcome (an attempt
 * row, a retry or a dead letter naming the problem) instead of vanishing.
 */
public sealed interface WebhookEntry permits Webhook, UnloadableWebhook {

    String id();

    boolean enabled();

    Set<String> ruleIds();
}
