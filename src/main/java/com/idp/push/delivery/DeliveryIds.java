package com.idp.push.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Delivery ids are derived, not random: the same (event, webhook) pair always gets the same id, so a
 * delivery repeated after a crash or rebalance carries the id the receiver already saw and can dedupe.
 */
public final class DeliveryIds {

    private DeliveryIds() {
    }

    /** {@code dlv_} + the first 128 bits of SHA-256(event id, NUL, webhook id), in hex. */
    public static String of(String eventId, String webhookId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(eventId.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(webhookId.getBytes(StandardCharsets.UTF_8));
            return "dlv_" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
