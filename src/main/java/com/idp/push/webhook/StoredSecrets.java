package com.idp.push.webhook;

/** The columns of a webhook row that hold secrets, as stored (auth_config as JSON text). */
record StoredSecrets(String authConfigJson, String secretKey) {

    static StoredSecrets of(WebhookRow row) {
        return new StoredSecrets(row.authConfigJson(), row.secretKey());
    }

    /** Ciphertext, or legacy clear text before re-encryption: never printed. */
    @Override
    public String toString() {
        return "StoredSecrets[authConfig=" + Masked.value(authConfigJson) + ", secretKey=" + Masked.value(secretKey) + "]";
    }
}
