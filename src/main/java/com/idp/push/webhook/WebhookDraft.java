package com.idp.push.webhook;

import java.util.List;
import java.util.Map;

/**
 * A validated webhook ready to be stored. Secret values are clear text here, or null where the stored
 * (encrypted) value is kept unchanged.
 */
record WebhookDraft(
        String id,
        String name,
        String url,
        boolean enabled,
        List<String> ruleIds,
        String authType,
        Map<String, String> authConfig,
        String secretKey,
        String bodyTemplate,
        Map<String, String> headers,
        Integer timeoutMs) {

    /** Holds clear-text secrets: never printed. */
    @Override
    public String toString() {
        return "WebhookDraft[id=" + id + ", url=" + url + ", enabled=" + enabled + ", ruleIds=" + ruleIds
                + ", authType=" + authType + ", authConfig=" + Masked.names(authConfig) + ", secretKey="
                + Masked.value(secretKey) + ", headers=" + Masked.names(headers) + "]";
    }
}
