package com.idp.push.delivery;

import java.util.Locale;
import java.util.Set;

/** Names of the HTTP headers of a delivery (SPEC §3). */
public final class PushHeaders {

    public static final String TIMESTAMP = "X-IDP-Timestamp";
    public static final String SIGNATURE = "X-IDP-Signature";
    public static final String DELIVERY_ID = "X-IDP-Delivery-Id";
    public static final String TASK_ID = "X-IDP-Task-Id";
    public static final String WEBHOOK_ID = "X-IDP-Webhook-Id";
    public static final String ATTEMPT = "X-IDP-Attempt";
    public static final String STANDARD_ID = "webhook-id";
    public static final String STANDARD_TIMESTAMP = "webhook-timestamp";
    public static final String STANDARD_SIGNATURE = "webhook-signature";
    public static final String AUTHORIZATION = "Authorization";
    public static final String CONTENT_TYPE = "Content-Type";
    public static final String USER_AGENT = "User-Agent";

    /** Headers a webhook's static headers may not replace: the protocol's own and hop-by-hop ones. */
    private static final Set<String> RESERVED = Set.of("content-type", "content-length", "host", "user-agent",
            "transfer-encoding", "connection", "authorization", STANDARD_ID, STANDARD_TIMESTAMP, STANDARD_SIGNATURE);

    private PushHeaders() {
    }

    public static boolean isReserved(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return RESERVED.contains(lower) || lower.startsWith("x-idp-");
    }
}
