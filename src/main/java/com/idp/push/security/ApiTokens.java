package com.idp.push.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.OptionalInt;

/**
 * The configured API tokens, kept only as SHA-256 digests. A presented token is compared with every
 * one of them by {@link MessageDigest#isEqual}, without an early exit, so neither the comparison time
 * nor the digest length tells an attacker how close a guess was or which token matched. Immutable.
 */
final class ApiTokens {

    private final List<byte[]> digests;

    ApiTokens(List<String> tokens) {
        this.digests = tokens.stream().map(ApiTokens::sha256).toList();
    }

    /** The 1-based number of the configured token that {@code presented} equals, for audit lines; empty if none. */
    OptionalInt match(String presented) {
        byte[] digest = sha256(presented);
        int matched = -1;
        for (int i = 0; i < digests.size(); i++) {
            if (MessageDigest.isEqual(digests.get(i), digest)) {
                matched = i;
            }
        }
        return matched < 0 ? OptionalInt.empty() : OptionalInt.of(matched + 1);
    }

    boolean isEmpty() {
        return digests.isEmpty();
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "ApiTokens[" + digests.size() + " configured]";
    }
}
