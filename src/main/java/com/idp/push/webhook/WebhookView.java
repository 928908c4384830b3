package com.idp.push.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A webhook as the API shows it: every secret value replaced by {@code "***"}.
 *
 * @param generatedSecretKey the signing secret the service generated, present only in the response that
 *        created the webhook (the receiver needs it to verify signatures, and it cannot be read back later)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WebhookView(
        String id,
        String name,
        String url,
        boolean enabled,
        List<String> ruleIds,
        String authType,
        Map<String, String> authConfig,
        boolean hasSecretKey,
        String bodyTemplate,
        Map<String, String> headers,
        Integer timeoutMs,
        Instant createdAt,
        Instant updatedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String generatedSecretKey) {

    WebhookView withGeneratedSecretKey(String secret) {
        return new WebhookView(id, name, url, enabled, ruleIds, authType, authConfig, hasSecretKey, bodyTemplate,
                headers, timeoutMs, createdAt, updatedAt, secret);
    }

    /**
     * The generated secret is in the JSON response once, by design, but in no log line: Spring MVC logs the
     * object it writes, as this, at DEBUG.
     */
    @Override
    public String toString() {
        return "WebhookView[id=" + id + ", url=" + url + ", enabled=" + enabled + ", ruleIds=" + ruleIds
                + ", authType=" + authType + ", authConfig=" + Masked.names(authConfig) + ", hasSecretKey="
                + hasSecretKey + ", headers=" + Masked.names(headers) + ", generatedSecretKey="
                + Masked.value(generatedSecretKey) + "]";
    }
}
