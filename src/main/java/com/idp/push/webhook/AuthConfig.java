package com.idp.push.webhook;

/**
 * How a delivery authenticates to the receiver (SPEC §2). Holds decrypted secrets: never log an
 * instance; {@link #toString()} of every case hides them.
 */
public sealed interface AuthConfig {

    /** The {@code auth_type} value stored and shown by the API. */
    String type();

    record None() implements AuthConfig {
        @Override
        public String type() {
            return "none";
        }
    }

    record Basic(String username, String password) implements AuthConfig {
        @Override
        public String type() {
            return "basic";
        }

        @Override
        public String toString() {
            return "Basic[username=" + username + ", password=***]";
        }
    }

    record Bearer(String token) implements AuthConfig {
        @Override
        public String type() {
            return "bearer";
        }

        @Override
        public String toString() {
            return "Bearer[token=***]";
        }
    }

    /** A secret sent in a header of the receiver's choosing, e.g. {@code X-API-Key}. */
    record ApiKey(String keyName, String keyValue) implements AuthConfig {
        @Override
        public String type() {
            return "api_key";
        }

        @Override
        public String toString() {
            return "ApiKey[keyName=" + keyName + ", keyValue=***]";
        }
    }
}
