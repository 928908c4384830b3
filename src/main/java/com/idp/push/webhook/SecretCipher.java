package com.idp.push.webhook;

/**
 * Turns stored secret values into clear text and back. The webhook id is bound to every value, so a
 * ciphertext copied to another webhook's row does not decrypt.
 */
public interface SecretCipher {

    String encrypt(String webhookId, String plaintext);

    /** @throws IllegalStateException when the value cannot be decrypted with any configured key */
    String decrypt(String webhookId, String stored);
}
