package com.idp.push.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signature headers that let a receiver check a webhook came from us and was not altered.
 * Two schemes: our own {@code sha256=<hex>} over {@code "<timestamp>.<body>"}, and the
 * <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> {@code v1,<base64>} over
 * {@code "<msgId>.<timestamp>.<body>"}. Both include the timestamp so a receiver can reject
 * replays. The body is fed to the MAC as the exact bytes sent, never re-encoded.
 * <p>
 * Secrets must not be empty (an HMAC key of zero bytes is refused by the JCE).
 */
public final class Signatures {

    private static final String ALGORITHM = "HmacSHA256";
    private static final String WHSEC_PREFIX = "whsec_";
    private static final int GENERATED_SECRET_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Mac instances are not thread-safe; one per thread avoids a provider lookup per delivery. */
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(Signatures::newMac);

    private Signatures() {
    }

    /**
     * "sha256=" + lowercase hex of HMAC-SHA256(key = UTF-8 bytes of secret, message =
     * "&lt;timestamp&gt;." followed by the exact body bytes).
     */
    public static String idpSignature(String secret, long timestampSeconds, byte[] body) {
        Objects.requireNonNull(secret, "secret");
        byte[] mac = hmac(secret.getBytes(StandardCharsets.UTF_8), timestampSeconds + ".", body);
        return "sha256=" + HexFormat.of().formatHex(mac);
    }

    /**
     * Standard Webhooks: "v1," + base64(HMAC-SHA256(key, "&lt;msgId&gt;.&lt;timestamp&gt;." + body
     * bytes)); key = base64-decoded part after "whsec_" when the secret has that prefix, otherwise
     * the UTF-8 bytes of the secret. When the part after "whsec_" is not valid base64 the secret
     * cannot have come from {@link #generateSecret()}, so it is used as a plain secret: the key is
     * the UTF-8 bytes of the whole secret, prefix included.
     */
    public static String standardWebhooksSignature(String secret, String msgId, long timestampSeconds, byte[] body) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(msgId, "msgId");
        byte[] mac = hmac(standardWebhooksKey(secret), msgId + "." + timestampSeconds + ".", body);
        return "v1," + Base64.getEncoder().encodeToString(mac);
    }

    /** "whsec_" + base64 of 32 bytes from SecureRandom. */
    public static String generateSecret() {
        byte[] key = new byte[GENERATED_SECRET_BYTES];
        RANDOM.nextBytes(key);
        return WHSEC_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    static byte[] standardWebhooksKey(String secret) {
        if (secret.startsWith(WHSEC_PREFIX)) {
            try {
                return Base64.getDecoder().decode(secret.substring(WHSEC_PREFIX.length()));
            } catch (IllegalArgumentException notBase64) {
                // Fall through: treat it as a plain secret (see the method javadoc).
            }
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, String prefix, byte[] body) {
        Objects.requireNonNull(body, "body");
        if (key.length == 0) {
            throw new IllegalArgumentException("Signing secret must not be empty");
        }
        Mac mac = MAC.get();
        try {
            mac.init(new SecretKeySpec(key, ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot initialise " + ALGORITHM, e);
        }
        mac.update(prefix.getBytes(StandardCharsets.UTF_8));
        mac.update(body);
        return mac.doFinal();
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }
}
