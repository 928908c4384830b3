package com.idp.push.webhook;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * At start-up, re-encrypts under the current key every stored secret that is under an older key or still
 * in clear text, row by row, so an old key can be dropped from {@code IDP_PUSH_ENCRYPTION_OLD_KEYS} once
 * this has run. Logs counts and webhook ids, never values. A row it cannot decrypt is left as it is and
 * reported; the service starts anyway (that webhook is not delivered until its key is configured).
 */
@Component
class SecretReencryptor implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SecretReencryptor.class);
    /** Every auth_config field that holds a secret, whatever the row's auth type: none stays in clear text. */
    private static final Set<String> AUTH_SECRET_FIELDS = new TreeSet<>(WebhookValidator.SECRET_FIELD.values());

    private final WebhookRepository repository;
    private final SecretCipher cipher;
    private final JsonMapper json;

    SecretReencryptor(WebhookRepository repository, SecretCipher cipher, JsonMapper json) {
        this.repository = repository;
        this.cipher = cipher;
        this.json = json;
    }

    @Override
    public void run(ApplicationArguments args) {
        reencryptAll();
    }

    Report reencryptAll() {
        int checked = 0;
        int reencrypted = 0;
        int fromClearText = 0;
        int changedMeanwhile = 0;
        int failed = 0;
        for (WebhookRow row : repository.findAll()) {
            checked++;
            try {
                Optional<Reencryption> result = reencrypt(row);
                if (result.isEmpty()) {
                    continue;
                }
                if (repository.replaceSecrets(row.id(), StoredSecrets.of(row), result.get().secrets())) {
                    reencrypted++;
                    fromClearText += result.get().hadClearText() ? 1 : 0;
                } else {
                    changedMeanwhile++;
                }
            } catch (SecretDecryptionException e) {
                failed++;
                log.error("{}. Its secrets stay as stored", e.getMessage());
            } catch (RuntimeException e) {
                failed++;
                // the class only: a driver message could quote the statement's values
                log.error("Webhook {} could not be re-encrypted: {}", row.id(), e.getClass().getName());
            }
        }
        Report report = new Report(checked, reencrypted, fromClearText, changedMeanwhile, failed);
        String keyId = cipher instanceof AesGcmSecretCipher aes ? aes.currentKeyId() : "current";
        if (failed > 0) {
            log.warn("Webhook secret re-encryption under key id {}: {}. Keep the old keys configured until failed is 0",
                    keyId, report);
        } else {
            log.info("Webhook secret re-encryption under key id {}: {}", keyId, report);
        }
        return report;
    }

    /** The row's secrets all under the current key, or empty when they are already. */
    Optional<Reencryption> reencrypt(WebhookRow row) {
        boolean changed = false;
        boolean clearText = false;
        JsonNode auth = json.readTree(row.authConfigJson());
        if (auth instanceof ObjectNode fields) {
            for (String field : AUTH_SECRET_FIELDS) {
                JsonNode value = fields.get(field);
                if (value != null && value.isString() && cipher.needsReencryption(value.asString())) {
                    clearText |= isClearText(value.asString());
                    fields.put(field, reencrypt(SecretLocation.authConfig(row.id(), field), value.asString()));
                    changed = true;
                }
            }
        }
        String secretKey = row.secretKey();
        if (cipher.needsReencryption(secretKey)) {
            clearText |= isClearText(secretKey);
            secretKey = reencrypt(SecretLocation.signingKey(row.id()), secretKey);
            changed = true;
        }
        if (!changed) {
            return Optional.empty();
        }
        return Optional.of(new Reencryption(new StoredSecrets(json.writeValueAsString(auth), secretKey), clearText));
    }

    private String reencrypt(SecretLocation where, String stored) {
        return cipher.encrypt(where, cipher.decrypt(where, stored));
    }

    private static boolean isClearText(String stored) {
        return !stored.startsWith(AesGcmSecretCipher.PREFIX);
    }

    record Reencryption(StoredSecrets secrets, boolean hadClearText) {
    }

    /** What one run did; its text is the log line operators check before removing an old key. */
    record Report(int checked, int reencrypted, int fromClearText, int changedMeanwhile, int failed) {

        @Override
        public String toString() {
            return checked + " webhooks checked, " + reencrypted + " re-encrypted (" + fromClearText + " from clear text), "
                    + changedMeanwhile + " changed meanwhile (checked again at the next start), " + failed + " failed";
        }
    }
}
