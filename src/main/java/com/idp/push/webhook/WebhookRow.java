package com.idp.push.webhook;

import java.util.Set;

/** A webhook as stored: JSON columns as text, secret values still encrypted. */
record WebhookRow(
        String id,
        String name,
        String url,
        boolean enabled,
        String authType,
        String authConfigJson,
        String secretKey,
        String bodyTemplate,
        String headersJson,
        Integer timeoutMs,
        Set<String> ruleIds) {
}
