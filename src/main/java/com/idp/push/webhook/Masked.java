package com.idp.push.webhook;

import java.util.Map;

/**
 * How the {@code toString} of a type holding secrets shows them: that a value is there, never the value.
 * Records print every component by default, and a record ends up in a log line more easily than anyone
 * intends (Spring MVC logs the request body it read, and the response it writes, at DEBUG).
 */
final class Masked {

    private Masked() {
    }

    /** {@code ***} for a value, {@code null} for none. */
    static String value(String secret) {
        return secret == null ? "null" : "***";
    }

    /**
     * The names of a map whose values may be secrets (auth_config, static headers, which customers also use
     * for credentials), without the values.
     */
    static String names(Map<String, ?> map) {
        return map == null ? "null" : map.keySet().toString();
    }
}
