package com.idp.push.webhook;

/**
 * Turns stored secret values into clear text and back. The webhook id and field are bound to every
 * value, so a ciphertext copied to another webhook's row, or to another field, does not decrypt.
 */
public interface SecretCipher {

    String encrypt(SecretLocation where, String plaintext);

    /** @throws SecretDecryptionException when the value cannot be decrypted with any configured key */
    String decrypt(SecretLocation where, String stored);

    /** True when the stored value is not encrypted under the current key (an older key, or legacy clear text). */
    boolean needsReencryption(String stored);
}
