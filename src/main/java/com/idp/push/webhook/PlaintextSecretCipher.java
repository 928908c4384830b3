package com.idp.push.webhook;

/**
 * Stores secrets as they are. A stand-in until authenticated encryption replaces it; it exists so that
 * every read and write of a secret already goes through {@link SecretCipher}.
 */
final class PlaintextSecretCipher implements SecretCipher {

    @Override
    public String encrypt(String webhookId, String plaintext) {
        return plaintext;
    }

    @Override
    public String decrypt(String webhookId, String stored) {
        return stored;
    }
}
