package com.idp.push.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;

import org.junit.jupiter.api.Test;

class AesGcmSecretCipherTest {

    private static final String OLD = key(1);
    private static final String CURRENT = key(2);
    private static final SecretLocation TOKEN = SecretLocation.authConfig("WH_1", "token");

    private final AesGcmSecretCipher cipher = cipher(CURRENT);

    @Test
    void roundTripsAndStoresTheVersionAndKeyIdInFront() {
        String stored = cipher.encrypt(TOKEN, "s3cret-tøken");

        assertThat(stored).startsWith("enc:v1:" + cipher.currentKeyId() + ":").doesNotContain("s3cret");
        assertThat(cipher.currentKeyId()).matches("[0-9a-f]{8}");
        assertThat(cipher.decrypt(TOKEN, stored)).isEqualTo("s3cret-tøken");
        assertThat(cipher.needsReencryption(stored)).isFalse();
    }

    @Test
    void usesAFreshNonceForEveryValue() {
        String first = cipher.encrypt(TOKEN, "same");
        String second = cipher.encrypt(TOKEN, "same");

        assertThat(first).isNotEqualTo(second);
        assertThat(payload(first)).hasSize(12 + 4 + 16); // nonce, ciphertext, 128-bit tag
        assertThat(java.util.Arrays.copyOf(payload(first), 12)).isNotEqualTo(java.util.Arrays.copyOf(payload(second), 12));
    }

    @Test
    void refusesATamperedValue() {
        String stored = cipher.encrypt(TOKEN, "s3cret");
        byte[] payload = payload(stored);
        payload[14] ^= 1;
        String tampered = stored.substring(0, stored.lastIndexOf(':') + 1)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload);

        assertThatThrownBy(() -> cipher.decrypt(TOKEN, tampered))
                .isInstanceOf(SecretDecryptionException.class)
                .hasMessageContaining("webhook WH_1 auth_config.token").hasMessageContaining("altered");
    }

    @Test
    void refusesAValueCopiedToAnotherWebhookOrField() {
        String stored = cipher.encrypt(TOKEN, "s3cret");

        assertThatThrownBy(() -> cipher.decrypt(SecretLocation.authConfig("WH_2", "token"), stored))
                .isInstanceOf(SecretDecryptionException.class).hasMessageContaining("copied from another webhook");
        assertThatThrownBy(() -> cipher.decrypt(SecretLocation.signingKey("WH_1"), stored))
                .isInstanceOf(SecretDecryptionException.class);
    }

    @Test
    void namesTheUnknownKeyIdAndNoSecret() {
        AesGcmSecretCipher old = cipher(OLD);
        String stored = old.encrypt(TOKEN, "s3cret");

        assertThatThrownBy(() -> cipher.decrypt(TOKEN, stored))
                .isInstanceOf(SecretDecryptionException.class)
                .hasMessageContaining("key id " + old.currentKeyId())
                .hasMessageContaining("IDP_PUSH_ENCRYPTION_OLD_KEYS")
                .hasMessageNotContaining("s3cret").hasMessageNotContaining(OLD).hasMessageNotContaining(CURRENT);
    }

    @Test
    void refusesMalformedValuesAndUnknownVersions() {
        assertThatThrownBy(() -> cipher.decrypt(TOKEN, "enc:v1:abc")).isInstanceOf(SecretDecryptionException.class)
                .hasMessageContaining("format");
        assertThatThrownBy(() -> cipher.decrypt(TOKEN, "enc:v1:" + cipher.currentKeyId() + ":!!")).hasMessageContaining("format");
        assertThatThrownBy(() -> cipher.decrypt(TOKEN, "enc:v1:" + cipher.currentKeyId() + ":AAAA")).hasMessageContaining("short");
        assertThatThrownBy(() -> cipher.decrypt(TOKEN, "enc:v9:x:y")).hasMessageContaining("version 'v9'");
    }

    @Test
    void readsLegacyClearTextAndMarksItForReencryption() {
        assertThat(cipher.decrypt(TOKEN, "plain-old-secret")).isEqualTo("plain-old-secret");
        assertThat(cipher.needsReencryption("plain-old-secret")).isTrue();
        assertThat(cipher.needsReencryption("")).isFalse();
        assertThat(cipher.needsReencryption(null)).isFalse();
    }

    @Test
    void rotatesFromAnOldKeyToTheCurrentOne() {
        String underOld = cipher(OLD).encrypt(TOKEN, "s3cret");
        AesGcmSecretCipher duringRotation = new AesGcmSecretCipher(KeyRing.from(new EncryptionProperties(CURRENT, java.util.List.of(OLD))));

        assertThat(duringRotation.decrypt(TOKEN, underOld)).isEqualTo("s3cret");
        assertThat(duringRotation.needsReencryption(underOld)).isTrue();

        String reencrypted = duringRotation.encrypt(TOKEN, duringRotation.decrypt(TOKEN, underOld));
        assertThat(duringRotation.needsReencryption(reencrypted)).isFalse();
        assertThat(cipher.decrypt(TOKEN, reencrypted)).as("only the new key configured").isEqualTo("s3cret");
    }

    static String key(int seed) {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (seed * 31 + i * 7);
        }
        return Base64.getEncoder().encodeToString(key);
    }

    static AesGcmSecretCipher cipher(String key) {
        return new AesGcmSecretCipher(KeyRing.from(new EncryptionProperties(key, java.util.List.of())));
    }

    private static byte[] payload(String stored) {
        return Base64.getUrlDecoder().decode(stored.substring(stored.lastIndexOf(':') + 1));
    }
}
