package com.idp.push.webhook;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The keys that encrypt webhook secrets at rest. Parsed and checked by {@link KeyRing}, not here, so
 * that a bad value is reported in our words and never echoed by the binder.
 *
 * @param key the current key ({@code IDP_PUSH_ENCRYPTION_KEY}): base64 of 32 random bytes; encrypts
 *        every new value
 * @param oldKeys earlier keys ({@code IDP_PUSH_ENCRYPTION_OLD_KEYS}, comma-separated), for decryption
 *        only, until start-up has re-encrypted everything under the current key
 */
@ConfigurationProperties("idp.push.encryption")
public record EncryptionProperties(String key, @DefaultValue List<String> oldKeys) {

    public EncryptionProperties {
        oldKeys = oldKeys.stream().map(String::trim).filter(k -> !k.isEmpty()).toList();
    }

    public boolean hasKey() {
        return key != null && !key.isBlank();
    }

    /** Keys are secrets: never printed, not even by accident through a log of this record. */
    @Override
    public String toString() {
        return "EncryptionProperties[key=" + (hasKey() ? "***" : "unset") + ", oldKeys=" + oldKeys.size() + " keys]";
    }
}
