package com.idp.push.webhook;

/**
 * A stored secret could not be decrypted: its key is not configured, or the value was altered or copied
 * from elsewhere. The message names the webhook, the field and the key id, never a secret.
 */
public class SecretDecryptionException extends IllegalStateException {

    SecretDecryptionException(String message) {
        super(message);
    }
}
