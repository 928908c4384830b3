package com.idp.push.delivery;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.idp.push.webhook.AuthConfig;

/** Request headers as they may be stored or shown: auth and signature values replaced by {@code ***}. */
public final class RedactedHeaders {

    public static final String MASK = "***";

    private RedactedHeaders() {
    }

    /** @param auth the webhook's auth, to know the API-key header's name; null redacts only the fixed names */
    public static Map<String, String> of(Map<String, String> headers, AuthConfig auth) {
        String apiKeyHeader = auth instanceof AuthConfig.ApiKey apiKey ? apiKey.keyName().toLowerCase(Locale.ROOT) : null;
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            boolean secret = lower.equals("authorization") || lower.equals("proxy-authorization")
                    || lower.equals(apiKeyHeader)
                    || lower.equals(PushHeaders.SIGNATURE.toLowerCase(Locale.ROOT))
                    || lower.equals(PushHeaders.STANDARD_SIGNATURE);
            copy.put(name, secret ? MASK : value);
        });
        return copy;
    }
}
