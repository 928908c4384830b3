package com.idp.push.webhook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The current key, which encrypts, and every key that may still decrypt, by id. */
record KeyRing(EncryptionKey current, Map<String, EncryptionKey> byId) {

    static final String KEY_VARIABLE = "IDP_PUSH_ENCRYPTION_KEY";
    static final String OLD_KEYS_VARIABLE = "IDP_PUSH_ENCRYPTION_OLD_KEYS";

    KeyRing {
        byId = Map.copyOf(byId);
    }

    /** @throws IllegalArgumentException naming the variable when a key is invalid or missing */
    static KeyRing from(EncryptionProperties properties) {
        if (!properties.hasKey()) {
            throw new IllegalArgumentException(KEY_VARIABLE + " is not set");
        }
        EncryptionKey current = EncryptionKey.parse(properties.key(), KEY_VARIABLE);
        List<String> old = properties.oldKeys();
        Map<String, EncryptionKey> keys = new LinkedHashMap<>();
        keys.put(current.id(), current);
        for (int i = 0; i < old.size(); i++) {
            EncryptionKey key = EncryptionKey.parse(old.get(i), OLD_KEYS_VARIABLE + " (key " + (i + 1) + " of " + old.size() + ")");
            EncryptionKey clash = keys.putIfAbsent(key.id(), key);
            if (clash != null && !clash.key().equals(key.key())) {
                // 32-bit ids of random keys practically never collide; if they do, a value's key would be ambiguous
                throw new IllegalArgumentException(OLD_KEYS_VARIABLE + " (key " + (i + 1) + ") has the same key id " + key.id()
                        + " as another configured key; generate a new key");
            }
        }
        return new KeyRing(current, keys);
    }

    static KeyRing of(EncryptionKey current, EncryptionKey... old) {
        Map<String, EncryptionKey> keys = new LinkedHashMap<>();
        keys.put(current.id(), current);
        for (EncryptionKey key : old) {
            keys.putIfAbsent(key.id(), key);
        }
        return new KeyRing(current, keys);
    }

    Optional<EncryptionKey> find(String keyId) {
        return Optional.ofNullable(byId.get(keyId));
    }

    /** Key ids only (as {@link EncryptionKey} prints itself), said here so that no later change prints a key. */
    @Override
    public String toString() {
        return "KeyRing[current=" + current.id() + ", keys=" + byId.keySet() + "]";
    }
}
