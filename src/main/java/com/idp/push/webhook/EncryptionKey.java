package com.idp.push.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES-256 key and its id. The id is derived from the key (first 8 hex digits of its SHA-256), so
 * operators never name keys, and a stored value says which key it needs without revealing anything
 * useful about it.
 */
record EncryptionKey(String id, SecretKey key) {

    static final int KEY_BYTES = 32;

    /**
     * @param variable the setting the value came from, for the message
     * @throws IllegalArgumentException naming the setting (never the value) when it is not base64 of 32 bytes
     */
    static EncryptionKey parse(String base64, String variable) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim().getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + " is not valid base64; generate a key with `openssl rand -base64 32`");
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException(variable + " must be the base64 of " + KEY_BYTES + " bytes (AES-256), it decodes to "
                    + bytes.length + " bytes; generate a key with `openssl rand -base64 32`");
        }
        return new EncryptionKey(idOf(bytes), new SecretKeySpec(bytes, "AES"));
    }

    private static String idOf(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "EncryptionKey[id=" + id + "]";
    }
}
