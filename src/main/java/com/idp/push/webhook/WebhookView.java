package com.idp.push.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** A webhook as the API shows it: every secret value replaced by {@code "***"}. */
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
        Instant updatedAt) {
}
