package com.idp.push.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import com.idp.push.delivery.DeliveryRequest;
import com.idp.push.delivery.PushResult;
import com.idp.push.pushlog.PushLogEntry;
import com.idp.push.security.ApiProperties;

/**
 * No type that holds a secret prints it: records generate a {@code toString} with every component, and a
 * record reaches a log line easily (Spring MVC logs what it reads and writes at DEBUG and TRACE).
 */
class SecretToStringTest {

    private static final String PASSWORD = "pw-TOSTRING-1a2b3c";
    private static final String TOKEN = "tok-TOSTRING-4d5e6f";
    private static final String KEY_VALUE = "key-TOSTRING-7a8b9c";
    private static final String SIGNING = "whsec_VE9TVFJJTkctc2lnbmluZy1zZWNyZXQtMDE=";
    private static final String HEADER_SECRET = "hdr-TOSTRING-0d1e2f";
    private static final String API_TOKEN = "api-TOSTRING-token-0123456789";
    private static final String KEY = Base64.getEncoder().encodeToString("idp-push-tostring-test-key-32byt".getBytes(StandardCharsets.US_ASCII));
    private static final String OLD_KEY = Base64.getEncoder().encodeToString("idp-push-tostring-old-key-32byte".getBytes(StandardCharsets.US_ASCII));
    private static final List<String> SECRETS = List.of(PASSWORD, TOKEN, KEY_VALUE, SIGNING, HEADER_SECRET, API_TOKEN,
            KEY, OLD_KEY, Base64.getEncoder().encodeToString(("u:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));

    /** Component names that hold a secret, or a map or text that may (auth_config, static headers). */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|token|secret|key|auth|headers|credential).*");
    /** Names matching the pattern that are not secrets. */
    private static final Set<String> NOT_SECRET = Set.of("keyName", "authType", "hasSecretKey");
    /** Records with secret-like components whose default toString is safe, and why. */
    private static final Map<String, String> SAFE_BY_CONSTRUCTION = Map.of(
            "com.idp.push.delivery.Exchange$Response", "the receiver's response headers: no secret of ours",
            "com.idp.push.pipeline.AttemptLog", "request headers are redacted (RedactedHeaders) before it is built",
            "com.idp.push.pushlog.AttemptRow", "request headers are redacted (RedactedHeaders) before it is built",
            "com.idp.push.pushlog.PushLogView", "read from push_logs, where request headers are stored redacted",
            "com.idp.push.pushlog.PushLogRetention$Expiry", "key is the name of a table's key column");

    @Test
    void typesHoldingSecretsDoNotPrintThem() {
        List<Object> holders = List.of(
                new AuthConfig.Basic("u", PASSWORD),
                new AuthConfig.Bearer(TOKEN),
                new AuthConfig.ApiKey("X-Key", KEY_VALUE),
                new WebhookRequest("WH_1", "n", "https://example.test/", true, List.of("R"), "basic",
                        Map.of("username", "u", "password", PASSWORD), SIGNING, null, Map.of("X-Static", HEADER_SECRET), 1000),
                new WebhookRequest("WH_1", "n", "https://example.test/", true, List.of("R"), "api_key",
                        Map.of("key_name", "X-Key", "key_value", KEY_VALUE), null, null, Map.of(), null),
                new WebhookDraft("WH_1", "n", "https://example.test/", true, List.of("R"), "bearer", Map.of("token", TOKEN),
                        SIGNING, null, Map.of("X-Static", HEADER_SECRET), null),
                new Webhook("WH_1", "n", URI.create("https://example.test/"), true, Set.of("R"), new AuthConfig.Bearer(TOKEN),
                        SIGNING, null, Map.of("X-Static", HEADER_SECRET), null),
                new StoredSecrets("{\"password\":\"" + PASSWORD + "\"}", SIGNING),
                new WebhookRow("WH_1", "n", "https://example.test/", true, "basic", "{\"password\":\"" + PASSWORD + "\"}",
                        SIGNING, null, "{\"X-Static\":\"" + HEADER_SECRET + "\"}", null, Set.of("R"), Instant.EPOCH, Instant.EPOCH),
                new WebhookView("WH_1", "n", "https://example.test/", true, List.of("R"), "bearer", Map.of("token", "***"),
                        true, null, Map.of("X-Static", HEADER_SECRET), null, Instant.EPOCH, Instant.EPOCH, SIGNING, null),
                EncryptionKey.parse(KEY, "TEST_KEY"),
                KeyRing.from(new EncryptionProperties(KEY, List.of(OLD_KEY))),
                new EncryptionProperties(KEY, List.of(OLD_KEY)),
                new ApiProperties(List.of(API_TOKEN), new ApiProperties.Open(true, true, true)),
                new DeliveryRequest(URI.create("https://example.test/"), Map.of("Authorization", "Bearer " + TOKEN,
                        "X-Key", KEY_VALUE, "X-Static", HEADER_SECRET), "{}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(1)),
                new PushLogEntry("T_1", "WH_1", null, 0, "https://example.test/",
                        Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(("u:" + PASSWORD).getBytes(StandardCharsets.UTF_8))),
                        "{}", new PushResult(true, 200, "ok", null, 1)));
        for (Object holder : holders) {
            String text = holder.toString();
            assertThat(SECRETS).as("%s prints %s", holder.getClass().getName(), text).noneMatch(text::contains);
        }
    }

    /**
     * Every record of the service with a component named like a secret hides it: found by scanning the
     * compiled classes, so that a record added later (an OAuth2 client secret, a TLS key) cannot forget it.
     * Each is built with a marker in every such component and must print none of them.
     */
    @Test
    void everyRecordWithASecretComponentMasksIt() throws Exception {
        List<Class<?>> checked = new ArrayList<>();
        for (Class<?> type : serviceRecords()) {
            List<RecordComponent> secret = Stream.of(type.getRecordComponents()).filter(SecretToStringTest::secretLike).toList();
            if (secret.isEmpty() || SAFE_BY_CONSTRUCTION.containsKey(type.getName())) {
                continue;
            }
            Object instance = build(type);
            String text = instance.toString();
            for (RecordComponent component : secret) {
                assertThat(text).as("%s.toString() shows its component %s: %s", type.getName(), component.getName(), text)
                        .doesNotContain(marker(component));
            }
            checked.add(type);
        }
        assertThat(checked).as("records checked").contains(WebhookRequest.class, WebhookDraft.class, WebhookRow.class,
                StoredSecrets.class, Webhook.class, WebhookView.class, EncryptionKey.class, EncryptionProperties.class,
                AuthConfig.Basic.class, AuthConfig.Bearer.class, AuthConfig.ApiKey.class, DeliveryRequest.class,
                ApiProperties.class, PushLogEntry.class);
    }

    private static boolean secretLike(RecordComponent component) {
        Class<?> type = component.getType();
        boolean holdsText = type == String.class || Map.class.isAssignableFrom(type) || List.class.isAssignableFrom(type)
                || type == byte[].class || type == SecretKey.class;
        return holdsText && SECRET_NAME.matcher(component.getName()).matches() && !NOT_SECRET.contains(component.getName());
    }

    private static String marker(RecordComponent component) {
        return "MARKER-" + component.getDeclaringRecord().getSimpleName() + "-" + component.getName() + "-0123456789";
    }

    /** An instance with a marker in each secret-like component and plain values elsewhere. */
    private static Object build(Class<?> type) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = Stream.of(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = value(components[i]);
        }
        Constructor<?> constructor = type.getDeclaredConstructor(types);
        constructor.setAccessible(true);
        return constructor.newInstance(values);
    }

    private static Object value(RecordComponent component) throws Exception {
        Class<?> type = component.getType();
        boolean secret = secretLike(component);
        String marker = marker(component);
        if (type == String.class) {
            return secret ? marker : "v-" + component.getName();
        }
        if (Map.class.isAssignableFrom(type)) {
            return secret ? Map.of("k-" + component.getName(), marker) : Map.of();
        }
        if (List.class.isAssignableFrom(type)) {
            return secret ? List.of(marker) : List.of();
        }
        if (type == byte[].class) {
            return marker.getBytes(StandardCharsets.UTF_8);
        }
        if (type == SecretKey.class) {
            return new SecretKeySpec(marker.getBytes(StandardCharsets.UTF_8), "AES");
        }
        if (type == Set.class) {
            return Set.of();
        }
        if (type == URI.class) {
            return URI.create("https://example.test/");
        }
        if (type == boolean.class || type == Boolean.class) {
            return true;
        }
        if (type == int.class || type == Integer.class) {
            return 1;
        }
        if (type == long.class || type == Long.class) {
            return 1L;
        }
        if (type == Duration.class) {
            return Duration.ofSeconds(1);
        }
        if (type == Instant.class) {
            return Instant.EPOCH;
        }
        if (type == AuthConfig.class) {
            return new AuthConfig.Basic("u", marker);
        }
        if (type == EncryptionKey.class) {
            return EncryptionKey.parse(KEY, "TEST_KEY");
        }
        if (type.isRecord()) {
            return build(type);
        }
        return null;
    }

    private static List<Class<?>> serviceRecords() throws IOException, ClassNotFoundException {
        Path root;
        try {
            root = Path.of(Webhook.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Class<?>> records = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("com/idp/push"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace(java.io.File.separatorChar, '.');
                Class<?> type = Class.forName(name.substring(0, name.length() - ".class".length()), false,
                        SecretToStringTest.class.getClassLoader());
                if (type.isRecord()) {
                    records.add(type);
                }
            }
        }
        return records;
    }
}
