package com.idp.push.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class WebhookConfigurationTest {

    private final WebhookConfiguration configuration = new WebhookConfiguration();

    @Test
    void refusesToStartWithoutAKeyOutsideTheLocalProfile() {
        MockEnvironment production = new MockEnvironment();
        production.setActiveProfiles("prod");

        assertThatThrownBy(() -> configuration.secretCipher(new EncryptionProperties(null, List.of()), production))
                .hasMessageContaining("IDP_PUSH_ENCRYPTION_KEY is not set")
                .hasMessageContaining("openssl rand -base64 32");
    }

    @Test
    void usesATemporaryKeyInTheLocalProfile() {
        MockEnvironment local = new MockEnvironment();
        local.setActiveProfiles("local");
        SecretCipher cipher = configuration.secretCipher(new EncryptionProperties("", List.of()), local);

        SecretLocation where = SecretLocation.signingKey("WH_1");
        assertThat(cipher.decrypt(where, cipher.encrypt(where, "s3cret"))).isEqualTo("s3cret");
    }

    @Test
    void refusesAnInvalidKeyNamingTheVariable() {
        assertThatThrownBy(() -> configuration.secretCipher(new EncryptionProperties("dG9vIHNob3J0", List.of()),
                new MockEnvironment())).hasMessageContaining("IDP_PUSH_ENCRYPTION_KEY must be the base64 of 32 bytes");
    }
}
