package com.idp.push.webhook;

/**
 * Where a secret is stored: its webhook and its field. Both are bound to the ciphertext, so a value
 * copied to another row, or to another field of the same row, does not decrypt.
 *
 * @param field {@code secret_key} or {@code auth_config.<name>}
 */
public record SecretLocation(String webhookId, String field) {

    public static SecretLocation signingKey(String webhookId) {
        return new SecretLocation(webhookId, "secret_key");
    }

    public static SecretLocation authConfig(String webhookId, String authField) {
        return new SecretLocation(webhookId, "auth_config." + authField);
    }

    @Override
    public String toString() {
        return "webhook " + webhookId + " " + field;
    }
}
