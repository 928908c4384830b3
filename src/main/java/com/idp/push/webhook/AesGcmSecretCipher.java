package com.idp.push.webhook;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM from the JDK. A stored value reads {@code enc:v1:<key id>:<base64url(nonce || ciphertext || tag)>}
 * with a fresh random 12-byte nonce per value and a 128-bit tag. The associated data binds the value to
 * its webhook id and field (see {@link #associatedData}), so a value moved elsewhere fails to decrypt.
 *
 * <p>Values without the {@code enc:} prefix are legacy clear text (rows written before encryption, or
 * by hand with SQL): they are returned as they are and re-encrypted at start-up by
 * {@link SecretReencryptor}.
 *
 * <p>Thread-safe: a {@link Cipher} is created per call, since Cipher instances are not.
 */
final class AesGcmSecretCipher implements SecretCipher {

    static final String PREFIX = "enc:";
    static final String VERSION = "v1";
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyRing keys;
    private final String currentPrefix;

    AesGcmSecretCipher(KeyRing keys) {
        this.keys = keys;
        this.currentPrefix = PREFIX + VERSION + ":" + keys.current().id() + ":";
    }

    String currentKeyId() {
        return keys.current().id();
    }

    @Override
    public String encrypt(SecretLocation where, String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, keys.current().key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(where));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream payload = new ByteArrayOutputStream(NONCE_BYTES + sealed.length);
            payload.writeBytes(nonce);
            payload.writeBytes(sealed);
            return currentPrefix + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.toByteArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption is unavailable in this JDK", e);
        }
    }

    @Override
    public String decrypt(SecretLocation where, String stored) {
        if (!stored.startsWith(PREFIX)) {
            return stored; // legacy clear text
        }
        String[] parts = stored.split(":", 4);
        if (parts.length != 4) {
            throw new SecretDecryptionException(where + " is not in the format enc:v1:<key id>:<base64url>");
        }
        if (!VERSION.equals(parts[1])) {
            throw new SecretDecryptionException(where + " uses the unknown format version '" + parts[1]
                    + "' (this version of idp-push reads " + VERSION + ")");
        }
        String keyId = parts[2];
        EncryptionKey key = keys.find(keyId).orElseThrow(() -> new SecretDecryptionException(where
                + " is encrypted with key id " + keyId + ", which is not configured: add that key to "
                + KeyRing.OLD_KEYS_VARIABLE + " (the configured key ids are " + keys.byId().keySet() + ")"));
        byte[] payload;
        try {
            payload = Base64.getUrlDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new SecretDecryptionException(where + " is not in the format enc:v1:<key id>:<base64url>");
        }
        if (payload.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new SecretDecryptionException(where + " is too short to be an encrypted value");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, payload, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(where));
            return new String(cipher.doFinal(payload, NONCE_BYTES, payload.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new SecretDecryptionException(where + " does not authenticate under key id " + keyId
                    + ": it was altered, or copied from another webhook or field");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption is unavailable in this JDK", e);
        }
    }

    @Override
    public boolean needsReencryption(String stored) {
        return stored != null && !stored.isEmpty() && !stored.startsWith(currentPrefix);
    }

    /**
     * {@code "idp-push/v1" NUL webhook id NUL field}, UTF-8. NUL cannot occur in a Postgres text value,
     * so no two (id, field) pairs give the same bytes.
     */
    private static byte[] associatedData(SecretLocation where) {
        return ("idp-push/" + VERSION + "\0" + where.webhookId() + "\0" + where.field()).getBytes(StandardCharsets.UTF_8);
    }
}
