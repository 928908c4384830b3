package com.idp.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

/**
 * Expected values were computed independently with Python's hmac/hashlib/base64 modules; the
 * first Standard Webhooks vector is the example from the Standard Webhooks specification.
 */
class SignaturesTest {

    private static final byte[] JSON_BODY = "{\"task_id\":\"t-1\",\"status\":\"done\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] UNICODE_BODY = "{\"name\":\"Zoë 日本 😀\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EMPTY_BODY = new byte[0];
    private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void idpSignatureWithPlainSecret() {
        assertThat(Signatures.idpSignature("my-secret", 1700000000L, JSON_BODY))
                .isEqualTo("sha256=1b145f4a3b09f6be51020bfde4d021bf8c180d581ad184d6d3ba228f50a1178c");
    }

    @Test
    void idpSignatureOverNonAsciiBody() {
        assertThat(Signatures.idpSignature("my-secret", 1700000000L, UNICODE_BODY))
                .isEqualTo("sha256=21e59224e50aa89c9debf0c4471be33fa64da1bc501425b49350375d5237cecb");
    }

    @Test
    void idpSignatureOverEmptyBody() {
        assertThat(Signatures.idpSignature("my-secret", 1700000000L, EMPTY_BODY))
                .isEqualTo("sha256=ccc51a59704c21fa4d3d7722fe68e90fe314832d58f8af04abf00f53b40e147b");
    }

    @Test
    void standardWebhooksSpecificationExample() {
        byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
        assertThat(Signatures.standardWebhooksSignature(WHSEC, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, body))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void standardWebhooksWithWhsecSecretOverNonAsciiAndEmptyBodies() {
        assertThat(Signatures.standardWebhooksSignature(WHSEC, "dlv-42", 1700000000L, UNICODE_BODY))
                .isEqualTo("v1,9iTkTjY1oCnExLegX/oGGRWwH4V9zVKEfcc/cITRWh4=");
        assertThat(Signatures.standardWebhooksSignature(WHSEC, "dlv-42", 1700000000L, EMPTY_BODY))
                .isEqualTo("v1,/uM/Ng5eDTEFG+3vGSnwrOOJVSwPqwAV8tWUivPLcSA=");
    }

    @Test
    void standardWebhooksWithPlainSecretUsesItsUtf8Bytes() {
        assertThat(Signatures.standardWebhooksSignature("plain-secret", "dlv-42", 1700000000L, JSON_BODY))
                .isEqualTo("v1,2AA5RSNaZOsaH2LKuT6uHMKuDJphwoMXw/dOE7DUlWU=");
    }

    @Test
    void standardWebhooksWithInvalidBase64AfterPrefixUsesWholeSecretAsUtf8() {
        assertThat(Signatures.standardWebhooksSignature("whsec_not*base64!", "dlv-42", 1700000000L, JSON_BODY))
                .isEqualTo("v1,xJcs0X+inP3flOeFTqFPW954GSne8KKA04pc2Cijy2s=");
    }

    @Test
    void receiverAcceptsGenuineIdpSignatureAndRejectsTampering() {
        String secret = Signatures.generateSecret();
        long ts = 1700000123L;
        String header = Signatures.idpSignature(secret, ts, UNICODE_BODY);

        assertThat(Receiver.verifyIdp(secret, ts, UNICODE_BODY, header)).isTrue();
        assertThat(Receiver.verifyIdp(secret, ts, tampered(UNICODE_BODY), header)).isFalse();
        assertThat(Receiver.verifyIdp(secret, ts + 1, UNICODE_BODY, header)).isFalse();
        assertThat(Receiver.verifyIdp(secret + "x", ts, UNICODE_BODY, header)).isFalse();
    }

    @Test
    void receiverAcceptsGenuineStandardWebhooksSignatureAndRejectsTampering() {
        String secret = Signatures.generateSecret();
        long ts = 1700000123L;
        String header = Signatures.standardWebhooksSignature(secret, "dlv-7", ts, JSON_BODY);

        assertThat(Receiver.verifyStandard(secret, "dlv-7", ts, JSON_BODY, header)).isTrue();
        assertThat(Receiver.verifyStandard(secret, "dlv-7", ts, tampered(JSON_BODY), header)).isFalse();
        assertThat(Receiver.verifyStandard(secret, "dlv-7", ts - 1, JSON_BODY, header)).isFalse();
        assertThat(Receiver.verifyStandard(secret, "dlv-8", ts, JSON_BODY, header)).isFalse();
        assertThat(Receiver.verifyStandard(Signatures.generateSecret(), "dlv-7", ts, JSON_BODY, header)).isFalse();
    }

    @Test
    void receiverAcceptsStandardWebhooksSignatureWithPlainSecret() {
        String header = Signatures.standardWebhooksSignature("plain-secret", "dlv-1", 42L, EMPTY_BODY);

        assertThat(Receiver.verifyStandard("plain-secret", "dlv-1", 42L, EMPTY_BODY, header)).isTrue();
        assertThat(Receiver.verifyStandard("plain-secreT", "dlv-1", 42L, EMPTY_BODY, header)).isFalse();
    }

    @Test
    void generatedSecretsArePrefixedRandom32ByteKeys() {
        String first = Signatures.generateSecret();
        String second = Signatures.generateSecret();

        assertThat(first).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(first.substring("whsec_".length()))).hasSize(32);
        assertThat(Base64.getDecoder().decode(second.substring("whsec_".length()))).hasSize(32);
        assertThat(first).isNotEqualTo(second);
    }

    private static byte[] tampered(byte[] body) {
        byte[] copy = body.clone();
        copy[copy.length - 2] ^= 0x01;
        return copy;
    }

    /** What a webhook receiver would write from the documented contract alone. */
    private static final class Receiver {

        static boolean verifyIdp(String secret, long ts, byte[] body, String header) {
            byte[] expected = hmac(secret.getBytes(StandardCharsets.UTF_8), concat((ts + ".").getBytes(StandardCharsets.UTF_8), body));
            return constantTimeEquals("sha256=" + HexFormat.of().formatHex(expected), header);
        }

        static boolean verifyStandard(String secret, String msgId, long ts, byte[] body, String header) {
            byte[] key = secret.startsWith("whsec_")
                    ? Base64.getDecoder().decode(secret.substring(6))
                    : secret.getBytes(StandardCharsets.UTF_8);
            byte[] signed = concat((msgId + "." + ts + ".").getBytes(StandardCharsets.UTF_8), body);
            String expected = "v1," + Base64.getEncoder().encodeToString(hmac(key, signed));
            return constantTimeEquals(expected, header);
        }

        private static byte[] hmac(byte[] key, byte[] message) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(message);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] result = new byte[a.length + b.length];
            System.arraycopy(a, 0, result, 0, a.length);
            System.arraycopy(b, 0, result, a.length, b.length);
            return result;
        }

        private static boolean constantTimeEquals(String expected, String actual) {
            return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
        }
    }
}
