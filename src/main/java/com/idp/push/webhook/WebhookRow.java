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

    /**
     * Secret columns hidden even though they are normally ciphertext: a row not yet re-encrypted holds
     * legacy clear text, and static headers may hold credentials too.
     */
    @Override
    public String toString() {
        return "WebhookRow[id=" + id + ", url=" + url + ", enabled=" + enabled + ", authType=" + authType
                + ", authConfig=" + Masked.value(authConfigJson) + ", secretKey=" + Masked.value(secretKey)
                + ", ruleIds=" + ruleIds + ", updatedAt=" + updatedAt + "]";
    }
}
