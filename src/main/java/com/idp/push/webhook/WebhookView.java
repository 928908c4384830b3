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
 * @param loadError why this instance cannot load the webhook (e.g. a secret under a key it does not have, a
 *        stored template the current rules refuse), present only then; its deliveries fail with this reason
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
        @JsonInclude(JsonInclude.Include.NON_NULL) String generatedSecretKey,
        @JsonInclude(JsonInclude.Include.NON_NULL) String loadError) {

    WebhookView withGeneratedSecretKey(String secret) {
        return new WebhookView(id, name, url, enabled, ruleIds, authType, authConfig, hasSecretKey, bodyTemplate,
                headers, timeoutMs, createdAt, updatedAt, secret, loadError);
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
                + Masked.value(generatedSecretKey) + ", loadError=" + loadError + "]";
    }
}
