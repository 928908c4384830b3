package com.idp.push.webhook;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A webhook as the API receives it (create or full update). Secret values may be omitted, or sent as
 * {@code "***"}, on update to keep the stored ones; see {@link WebhookService} for when that is refused.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WebhookRequest(
        String id,
        String name,
        String url,
        Boolean enabled,
        List<String> ruleIds,
        String authType,
        Map<String, String> authConfig,
        String secretKey,
        String bodyTemplate,
        Map<String, String> headers,
        Integer timeoutMs) {

    /** Secrets and header values hidden: Spring MVC logs the body it read, as this, at DEBUG. */
    @Override
    public String toString() {
        return "WebhookRequest[id=" + id + ", name=" + name + ", url=" + url + ", enabled=" + enabled + ", ruleIds="
                + ruleIds + ", authType=" + authType + ", authConfig=" + Masked.names(authConfig) + ", secretKey="
                + Masked.value(secretKey) + ", headers=" + Masked.names(headers) + ", timeoutMs=" + timeoutMs + "]";
    }
}
