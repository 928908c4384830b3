package com.idp.push.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

/** A row that cannot be loaded becomes an UnloadableWebhook saying why, never an exception or a gap. */
class WebhookAssemblerTest {

    private final AesGcmSecretCipher cipher = AesGcmSecretCipherTest.cipher(AesGcmSecretCipherTest.key(1));
    private final AesGcmSecretCipher unknown = AesGcmSecretCipherTest.cipher(AesGcmSecretCipherTest.key(2));
    private final WebhookAssembler assembler = new WebhookAssembler(cipher, JsonMapper.builder().build());

    @Test
    void aLoadableRowIsAWebhook() {
        WebhookEntry entry = assembler.assemble(row("https://example.test/a", cipher.encrypt(SecretLocation.signingKey("WH_1"), "s"), null));
        assertThat(entry).isInstanceOf(Webhook.class);
        assertThat(((Webhook) entry).secretKey()).isEqualTo("s");
    }

    @Test
    void aSecretUnderAnUnknownKeyIsSecretUnreadableNamingWebhookFieldAndKeyIdButNotTheValue() {
        String stored = unknown.encrypt(SecretLocation.signingKey("WH_1"), "sign-AS1");
        UnloadableWebhook entry = (UnloadableWebhook) assembler.assemble(row("https://example.test/a", stored, null));
        assertThat(entry.error()).isInstanceOf(LoadError.SecretUnreadable.class);
        assertThat(entry.error().detail()).contains("webhook WH_1 secret_key").contains("key id " + unknown.currentKeyId())
                .doesNotContain(stored).doesNotContain("AS1");
        assertThat(entry.ruleIds()).containsExactly("R");
        assertThat(entry.enabled()).isTrue();
        assertThat(entry.toString()).doesNotContain(stored);
    }

    @Test
    void aStoredTemplateTheRulesRefuseIsTemplateInvalid() {
        UnloadableWebhook entry = (UnloadableWebhook) assembler.assemble(row("https://example.test/a", "clear",
                "{\"c\":\"{{#meta_info}}x\"{{/meta_info}}}"));
        assertThat(entry.error()).isInstanceOf(LoadError.TemplateInvalid.class);
        assertThat(entry.error().detail()).startsWith("stored body_template of webhook WH_1 no longer compiles: ");
    }

    @Test
    void aUrlThatDoesNotParseIsUnusable() {
        UnloadableWebhook entry = (UnloadableWebhook) assembler.assemble(row("https://example.test/a b", "clear", null));
        assertThat(entry.error()).isInstanceOf(LoadError.Unusable.class);
        assertThat(entry.error().detail()).startsWith("webhook WH_1 cannot be loaded: url is not a valid URI");
        assertThat(entry.url()).isEqualTo("https://example.test/a b");
    }

    private static WebhookRow row(String url, String secretKey, String template) {
        return new WebhookRow("WH_1", "n", url, true, "none", "{}", secretKey, template, "{}", null, Set.of("R"),
                Instant.EPOCH, Instant.EPOCH);
    }
}
