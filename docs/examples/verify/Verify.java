import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks an idp-push delivery on the receiving side (JDK 17+, no dependencies).
 *
 * <pre>
 * X-IDP-Timestamp: 1734170400
 * X-IDP-Signature: sha256=&lt;lowercase hex of HMAC-SHA256(key = UTF-8 bytes of the webhook secret,
 *                                                      message = "&lt;timestamp&gt;." + raw body bytes)&gt;
 * </pre>
 *
 * Rules: sign the body bytes exactly as received (never a re-serialised JSON object), compare in constant
 * time, and reject timestamps too far from now (replays). Then deduplicate on X-IDP-Delivery-Id: a
 * delivery may arrive more than once.
 *
 * <p>In a servlet/Spring receiver: read the body as {@code byte[]} (e.g. {@code @RequestBody byte[] body}),
 * call {@link #isValid} with the two headers, answer 401 when it is false, otherwise parse and process.
 *
 * <p>Try it: {@code java Verify.java <secret> <X-IDP-Timestamp> <X-IDP-Signature> < body.json}
 * (exit status 0 = valid).
 */
public final class Verify {

    /** How far the timestamp may be from the receiver's clock. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private Verify() {
    }

    public static boolean isValid(String secret, String timestampHeader, String signatureHeader, byte[] body,
            Instant now) {
        if (secret == null || secret.isEmpty() || timestampHeader == null || signatureHeader == null) {
            return false;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > TOLERANCE.toSeconds()) {
            return false; // too old (or from the future): possibly a replay
        }
        String expected = "sha256=" + HexFormat.of().formatHex(hmacSha256(
                secret.getBytes(StandardCharsets.UTF_8), (timestamp + ".").getBytes(StandardCharsets.UTF_8), body));
        // MessageDigest.isEqual compares in constant time
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signatureHeader.trim().getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmacSha256(byte[] key, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: java Verify.java <secret> <X-IDP-Timestamp> <X-IDP-Signature> < body");
            System.exit(2);
        }
        byte[] body = System.in.readAllBytes();
        boolean valid = isValid(args[0], args[1], args[2], body, Instant.now());
        System.out.println(valid ? "valid" : "invalid");
        System.exit(valid ? 0 : 1);
    }
}
