package com.idp.push.webhook;

import java.time.Instant;
import java.util.Set;

/**
 * A webhook as stored: JSON columns as text, secret values still encrypted.
 *
 * @param createdAt null for a row not yet stored
 */
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
        Set<String> ruleIds,
        Instant createdAt,
        Instant updatedAt) {
}
