package com.idp.push.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

class KeyRingTest {

    private static final String CURRENT = AesGcmSecretCipherTest.key(2);
    private static final String OLD = AesGcmSecretCipherTest.key(1);

    @Test
    void derivesKeyIdsFromTheKeysAndKnowsEveryConfiguredKey() {
        KeyRing ring = KeyRing.from(new EncryptionProperties(CURRENT, List.of(" " + OLD + " ", "", CURRENT)));

        assertThat(ring.current().id()).matches("[0-9a-f]{8}")
                .isEqualTo(KeyRing.from(new EncryptionProperties(CURRENT, List.of())).current().id());
        assertThat(ring.byId()).hasSize(2).containsKey(EncryptionKey.parse(OLD, "x").id());
    }

    @Test
    void refusesAMissingOrInvalidKeyNamingTheVariableButNotTheValue() {
        assertThatThrownBy(() -> KeyRing.from(new EncryptionProperties(" ", List.of())))
                .hasMessageContaining("IDP_PUSH_ENCRYPTION_KEY");
        assertThatThrownBy(() -> KeyRing.from(new EncryptionProperties("not base64 at all!", List.of())))
                .hasMessageContaining("IDP_PUSH_ENCRYPTION_KEY is not valid base64")
                .hasMessageContaining("openssl rand -base64 32").hasMessageNotContaining("at all");
        String short16 = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> KeyRing.from(new EncryptionProperties(short16, List.of())))
                .hasMessageContaining("IDP_PUSH_ENCRYPTION_KEY must be the base64 of 32 bytes")
                .hasMessageContaining("decodes to 16 bytes").hasMessageNotContaining(short16);
        assertThatThrownBy(() -> KeyRing.from(new EncryptionProperties(CURRENT, List.of(OLD, short16))))
                .hasMessageContaining("IDP_PUSH_ENCRYPTION_OLD_KEYS (key 2 of 2)");
    }

    @Test
    void neverPrintsAKey() {
        EncryptionProperties properties = new EncryptionProperties(CURRENT, List.of(OLD));
        assertThat(properties.toString()).doesNotContain(CURRENT).doesNotContain(OLD);
        assertThat(KeyRing.from(properties).toString()).doesNotContain(CURRENT).doesNotContain(OLD);
    }
}
