package com.idp.push.webhook;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Wires the webhook feature's collaborators that are not components themselves. Outside the
 * {@code local} profile, start-up fails without an encryption key: secrets stored under a key nobody
 * kept are lost, so the key must be chosen and kept deliberately.
 */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebhookConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    SecretCipher secretCipher(EncryptionProperties properties, Environment environment) {
        if (!properties.hasKey()) {
            boolean local = Set.of(environment.getActiveProfiles()).contains("local");
            if (!local) {
                throw new IllegalStateException(KeyRing.KEY_VARIABLE + " is not set: set it to the base64 of 32 random bytes "
                        + "(generate one with `openssl rand -base64 32`) and keep it safe, webhook secrets are stored "
                        + "encrypted with it; or run with the local profile");
            }
            log.warn("No encryption key configured (local profile): using a temporary key, so webhook secrets stored "
                    + "in this run cannot be decrypted after a restart. Set {} to keep them.", KeyRing.KEY_VARIABLE);
            return new AesGcmSecretCipher(KeyRing.of(temporaryKey()));
        }
        return new AesGcmSecretCipher(KeyRing.from(properties));
    }

    /** Save-time URL check; replaced by the SSRF guard's. */
    @Bean
    @ConditionalOnMissingBean
    SaveTimeUrlCheck urlCheck() {
        return url -> null;
    }

    private static EncryptionKey temporaryKey() {
        byte[] key = new byte[EncryptionKey.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return EncryptionKey.parse(Base64.getEncoder().encodeToString(key), "temporary key");
    }
}
