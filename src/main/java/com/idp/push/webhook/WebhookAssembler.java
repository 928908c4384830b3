package com.idp.push.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.idp.push.delivery.BodyTemplate;
import com.idp.push.delivery.InvalidTemplateException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Builds the delivery-ready {@link Webhook} from a stored row: decrypts secrets, compiles the template. */
final class WebhookAssembler {

    private final SecretCipher cipher;
    private final JsonMapper json;

    WebhookAssembler(SecretCipher cipher, JsonMapper json) {
        this.cipher = cipher;
        this.json = json;
    }

    /**
     * @throws IllegalArgumentException when the row cannot be used at all (bad URL, unknown auth type)
     * @throws SecretDecryptionException when a secret cannot be decrypted with the configured keys
     */
    Webhook assemble(WebhookRow row) {
        JsonNode auth = json.readTree(row.authConfigJson());
        BodyTemplate template = null;
        String templateProblem = null;
        if (row.bodyTemplate() != null && !row.bodyTemplate().isBlank()) {
            try {
                template = BodyTemplate.compile(row.bodyTemplate());
            } catch (InvalidTemplateException e) {
                templateProblem = "body_template is invalid: " + e.getMessage();
            }
        }
        return new Webhook(row.id(), row.name(), URI.create(row.url()), row.enabled(), row.ruleIds(),
                authConfig(row.id(), row.authType(), auth), cipher.decrypt(SecretLocation.signingKey(row.id()), row.secretKey()),
                template, templateProblem, headers(row.headersJson()),
                row.timeoutMs() == null ? null : Duration.ofMillis(row.timeoutMs()));
    }

    private AuthConfig authConfig(String id, String type, JsonNode config) {
        return switch (type) {
            case "none" -> new AuthConfig.None();
            case "basic" -> new AuthConfig.Basic(text(config, "username"), secret(id, config, "password"));
            case "bearer" -> new AuthConfig.Bearer(secret(id, config, "token"));
            case "api_key" -> new AuthConfig.ApiKey(text(config, "key_name"), secret(id, config, "key_value"));
            default -> throw new IllegalArgumentException("unknown auth_type '" + type + "'");
        };
    }

    private String secret(String id, JsonNode config, String field) {
        String stored = text(config, field);
        return stored.isEmpty() ? stored : cipher.decrypt(SecretLocation.authConfig(id, field), stored);
    }

    private static String text(JsonNode config, String field) {
        JsonNode value = config.get(field);
        return value == null || value.isNull() ? "" : value.asString();
    }

    private Map<String, String> headers(String headersJson) {
        Map<String, String> headers = new LinkedHashMap<>();
        json.readTree(headersJson).properties().forEach(e -> headers.put(e.getKey(), e.getValue().asString()));
        return headers;
    }
}
