package com.idp.push.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.idp.push.delivery.BodyTemplate;
import com.idp.push.delivery.InvalidTemplateException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the delivery-ready {@link Webhook} from a stored row (decrypts secrets, compiles the template), or,
 * when that fails, an {@link UnloadableWebhook} saying why: a row is never dropped here.
 */
final class WebhookAssembler {

    private final SecretCipher cipher;
    private final JsonMapper json;

    WebhookAssembler(SecretCipher cipher, JsonMapper json) {
        this.cipher = cipher;
        this.json = json;
    }

    WebhookEntry assemble(WebhookRow row) {
        try {
            return webhook(row);
        } catch (SecretDecryptionException e) {
            // the message names webhook, field and key id, never the value (see AesGcmSecretCipher)
            return unloadable(row, new LoadError.SecretUnreadable(e.getMessage()));
        } catch (InvalidTemplateException e) {
            return unloadable(row, new LoadError.TemplateInvalid(
                    "stored body_template of webhook " + row.id() + " no longer compiles: " + e.getMessage()));
        } catch (JacksonException e) {
            // a parser's message may quote the JSON it read, and auth_config holds (encrypted) secrets
            return unloadable(row, new LoadError.Unusable("webhook " + row.id() + " cannot be loaded: its stored JSON "
                    + "cannot be read (" + e.getClass().getSimpleName() + ")"));
        } catch (RuntimeException e) {
            // e.g. a URL that does not parse; these messages quote the URL or the auth type, never a secret
            return unloadable(row, new LoadError.Unusable("webhook " + row.id() + " cannot be loaded: " + e.getMessage()));
        }
    }

    private Webhook webhook(WebhookRow row) throws InvalidTemplateException {
        URI url = url(row.url());
        AuthConfig auth = authConfig(row.id(), row.authType(), json.readTree(row.authConfigJson()));
        String secretKey = cipher.decrypt(SecretLocation.signingKey(row.id()), row.secretKey());
        BodyTemplate template = row.bodyTemplate() == null || row.bodyTemplate().isBlank()
                ? null : BodyTemplate.compile(row.bodyTemplate());
        return new Webhook(row.id(), row.name(), url, row.enabled(), row.ruleIds(), auth, secretKey, template,
                headers(row.headersJson()), row.timeoutMs() == null ? null : Duration.ofMillis(row.timeoutMs()));
    }

    private static URI url(String stored) {
        try {
            return URI.create(stored);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("url is not a valid URI: " + e.getMessage(), e);
        }
    }

    private static UnloadableWebhook unloadable(WebhookRow row, LoadError error) {
        return new UnloadableWebhook(row.id(), row.url(), row.enabled(), row.ruleIds(), error);
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
