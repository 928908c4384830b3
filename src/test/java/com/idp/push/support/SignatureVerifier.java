package com.idp.push.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a receiver does to check a delivery, written from SPEC §3 alone (it shares no code with the
 * service): recompute both signatures over the received bytes and compare in constant time.
 */
public final class SignatureVerifier {

    private SignatureVerifier() {
    }

    /** {@code X-IDP-Signature: sha256=<hex HMAC-SHA256(utf8(secret), "<timestamp>.<body>")>}. */
    public static boolean idpSignatureValid(String secret, ReceivedRequest request) {
        String timestamp = request.header("X-IDP-Timestamp");
        byte[] mac = hmac(secret.getBytes(StandardCharsets.UTF_8), (timestamp + ".").getBytes(StandardCharsets.UTF_8),
                request.body());
        return constantTimeEquals("sha256=" + HexFormat.of().formatHex(mac), request.header("X-IDP-Signature"));
    }

    /** {@code webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>}, key per Standard Webhooks. */
    public static boolean standardSignatureValid(String secret, ReceivedRequest request) {
        byte[] key = secret.startsWith("whsec_")
                ? Base64.getDecoder().decode(secret.substring("whsec_".length()))
                : secret.getBytes(StandardCharsets.UTF_8);
        String signed = request.header("webhook-id") + "." + request.header("webhook-timestamp") + ".";
        byte[] mac = hmac(key, signed.getBytes(StandardCharsets.UTF_8), request.body());
        String expected = "v1," + Base64.getEncoder().encodeToString(mac);
        String received = request.header("webhook-signature");
        if (received == null) {
            return false;
        }
        for (String candidate : received.split(" ")) { // the header may list several signatures
            if (constantTimeEquals(expected, candidate)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] hmac(byte[] key, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean constantTimeEquals(String expected, String received) {
        return received != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                received.getBytes(StandardCharsets.UTF_8));
    }
}
