package com.idp.push.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.idp.push.support.IntegrationTest;

/**
 * Key rotation against the real database: rows under the old key or in legacy clear text are re-encrypted
 * under the current key; a row under a key nobody configured is reported, left alone, and does not stop
 * anything else.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretReencryptionIT extends IntegrationTest {

    private static final String UNKNOWN_KEY = AesGcmSecretCipherTest.key(99);

    @Autowired
    private SecretReencryptor reencryptor;
    private final List<String> inserted = new java.util.ArrayList<>();

    @AfterEach
    void removeRows() {
        inserted.forEach(id -> jdbc.sql("delete from webhooks where id = ?").param(id).update());
        registry.refresh();
    }

    @Test
    void reencryptsOldKeyAndClearTextSecretsUnderTheCurrentKey(CapturedOutput output) {
        AesGcmSecretCipher oldCipher = AesGcmSecretCipherTest.cipher(TEST_OLD_ENCRYPTION_KEY);
        AesGcmSecretCipher unknownCipher = AesGcmSecretCipherTest.cipher(UNKNOWN_KEY);
        String legacy = newId("legacy");
        String underOld = newId("old");
        String lost = newId("lost");
        insert(legacy, "{\"token\":\"legacy-token-ROT1\"}", "legacy-signing-ROT1");
        insert(underOld, token(oldCipher, underOld, "old-token-ROT2"),
                oldCipher.encrypt(SecretLocation.signingKey(underOld), "old-signing-ROT2"));
        insert(lost, token(unknownCipher, lost, "lost-ROT3"), "lost-signing-ROT3");
        registry.refresh();
        assertThat(registry.find(legacy).orElseThrow().auth()).isEqualTo(new AuthConfig.Bearer("legacy-token-ROT1"));
        assertThat(registry.find(underOld).orElseThrow().auth()).isEqualTo(new AuthConfig.Bearer("old-token-ROT2"));
        assertThat(registry.find(lost)).as("not deliverable without its key").isEmpty();

        SecretReencryptor.Report report = reencryptor.reencryptAll();

        assertThat(report.reencrypted()).isGreaterThanOrEqualTo(2);
        assertThat(report.fromClearText()).isGreaterThanOrEqualTo(1);
        assertThat(report.failed()).isGreaterThanOrEqualTo(1);
        AesGcmSecretCipher currentOnly = AesGcmSecretCipherTest.cipher(TEST_ENCRYPTION_KEY);
        for (String id : List.of(legacy, underOld)) {
            String token = jdbc.sql("select auth_config->>'token' from webhooks where id = ?").param(id).query(String.class).single();
            String signing = jdbc.sql("select secret_key from webhooks where id = ?").param(id).query(String.class).single();
            assertThat(token).startsWith("enc:v1:" + currentOnly.currentKeyId() + ":");
            assertThat(signing).startsWith("enc:v1:" + currentOnly.currentKeyId() + ":");
            assertThat(currentOnly.decrypt(SecretLocation.authConfig(id, "token"), token)).endsWith(id.equals(legacy) ? "ROT1" : "ROT2");
            assertThat(currentOnly.needsReencryption(token)).isFalse();
        }
        assertThat(jdbc.sql("select cast(w as text) from webhooks w where id = ?").param(legacy).query(String.class).single())
                .doesNotContain("legacy-token-ROT1").doesNotContain("legacy-signing-ROT1");
        assertThat(jdbc.sql("select auth_config->>'token' from webhooks where id = ?").param(lost).query(String.class).single())
                .as("left as it was").doesNotStartWith("enc:v1:" + currentOnly.currentKeyId());

        registry.refresh();
        assertThat(registry.find(legacy).orElseThrow().auth()).isEqualTo(new AuthConfig.Bearer("legacy-token-ROT1"));
        assertThat(registry.find(legacy).orElseThrow().secretKey()).isEqualTo("legacy-signing-ROT1");
        assertThat(registry.find(underOld).orElseThrow().secretKey()).isEqualTo("old-signing-ROT2");
        String unknownKeyId = unknownCipher.currentKeyId();
        assertThat(output.getAll()).contains("webhook " + lost + " auth_config.token").contains("key id " + unknownKeyId)
                .contains("Webhook secret re-encryption under key id " + currentOnly.currentKeyId())
                .doesNotContain("ROT1").doesNotContain("ROT2").doesNotContain("ROT3");
        assertThat(reencryptor.reencryptAll().reencrypted()).as("a second run has nothing left to do").isZero();
    }

    @Test
    void keepsDeliveringTheLastGoodCopyWhenAStoredSecretStopsDecrypting(CapturedOutput output) {
        String id = unique("WH_keep");
        inserted.add(id);
        insertWebhook(id, "https://receiver.example/keep", "keep-signing-ROT4", List.of(unique("R")), "bearer",
                "{\"token\":\"keep-token-ROT4\"}", null, "{}", null);
        assertThat(registry.find(id)).isPresent();

        jdbc.sql("update webhooks set name = 'renamed', auth_config = cast(? as jsonb) where id = ?")
                .params(token(AesGcmSecretCipherTest.cipher(UNKNOWN_KEY), id, "other-ROT4"), id)
                .update();
        registry.refresh();

        assertThat(registry.find(id).orElseThrow().auth()).isEqualTo(new AuthConfig.Bearer("keep-token-ROT4"));
        assertThat(output.getAll()).contains("Still delivering this webhook with the copy loaded before").doesNotContain("ROT4");
    }

    private String newId(String label) {
        String id = unique("WH_rot_" + label);
        inserted.add(id);
        return id;
    }

    private void insert(String id, String storedAuthJson, String storedSecret) {
        insertStoredWebhook(id, "https://receiver.example/" + id, storedSecret, List.of(unique("R")), "bearer",
                storedAuthJson, null, "{}", null);
    }

    private static String token(AesGcmSecretCipher cipher, String id, String token) {
        return "{\"token\":\"%s\"}".formatted(cipher.encrypt(SecretLocation.authConfig(id, "token"), token));
    }
}
