package com.idp.push.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The local run's API token and encryption key: generated on first start and kept in the data folder,
 * so stored webhook secrets stay readable and the printed token stays valid across restarts.
 */
final class LocalSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private LocalSecrets() {
    }

    static String apiToken(Path dataDir) throws IOException {
        return readOrCreate(dataDir.resolve("api-token"), () -> "local-" + HexFormat.of().formatHex(random(16)));
    }

    static String encryptionKey(Path dataDir) throws IOException {
        return readOrCreate(dataDir.resolve("encryption-key"), () -> Base64.getEncoder().encodeToString(random(32)));
    }

    private static String readOrCreate(Path file, java.util.function.Supplier<String> generate) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        String value = generate.get();
        Files.writeString(file, value, StandardCharsets.UTF_8);
        return value;
    }

    private static byte[] random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return value;
    }
}
