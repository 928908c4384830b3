package com.idp.push.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.idp.push.webhook.SecretCipher;
import com.idp.push.webhook.SecretLocation;
import com.idp.push.webhook.WebhookRegistry;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Base of the integration tests: one application context, one Kafka broker, one Postgres and one
 * loopback receiver shared by every test class (the configuration is identical, so Spring caches the
 * context). Tests isolate themselves with unique rule, task and webhook ids and receiver paths rather
 * than by restarting anything. Delays are short (1, 2, 3 s) so retries are observable quickly.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ControllerInvocations.Recorder.class)
public abstract class IntegrationTest {

    protected static final TestReceiver receiver = SharedReceiver.INSTANCE;
    /** The operator API token of the test context. */
    protected static final String API_TOKEN = "test-api-token-0123456789";
    /** The encryption key of the test context (base64 of 32 bytes; fixed, so failures reproduce). */
    protected static final String TEST_ENCRYPTION_KEY = "aWRwLXB1c2gtaW50ZWdyYXRpb24tdGVzdC1rZXktMzI=";
    /** An earlier key, configured for decryption only, as during a key rotation. */
    protected static final String TEST_OLD_ENCRYPTION_KEY = "aWRwLXB1c2gtb2xkLXJvdGF0ZWQtdGVzdC1rZXktMzI=";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.get().kafkaBootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer());

    @Autowired
    protected JdbcClient jdbc;
    @Autowired
    protected WebhookRegistry registry;
    @Autowired
    protected SecretCipher cipher;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry properties) {
        TestInfrastructure.get().springProperties().forEach((k, v) -> properties.add(k, () -> v));
        properties.add("idp.push.retry.delays", () -> "1,2,3");
        properties.add("idp.push.retry.retry-after-max", () -> "5");
        properties.add("idp.push.http.timeout", () -> "3");
        properties.add("idp.push.webhooks.refresh-interval", () -> "200");
        properties.add("idp.push.engine.poll-timeout", () -> "100");
        properties.add("idp.push.topics.partitions", () -> "3");
        properties.add("idp.push.api.tokens", () -> API_TOKEN + ",second-token-for-rotation");
        // the SSRF guard stays on; only the loopback receiver is allowed
        properties.add("idp.push.security.allowed-cidrs", () -> "127.0.0.0/8,::1/128");
        properties.add("idp.push.encryption.key", () -> TEST_ENCRYPTION_KEY);
        properties.add("idp.push.encryption.old-keys", () -> TEST_OLD_ENCRYPTION_KEY);
    }

    /** A fresh id with a readable prefix, so tests never see each other's records. */
    protected static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Inserts a webhook with SQL, its secrets encrypted as the service stores them, and waits until the
     * registry has it.
     */
    protected void insertWebhook(String id, String url, String secret, List<String> rules, String authType,
            String authConfigJson, String template, String headersJson, Integer timeoutMs) {
        ObjectNode auth = (ObjectNode) JSON.readTree(authConfigJson);
        for (String field : List.of("password", "token", "key_value")) {
            if (auth.has(field)) {
                auth.put(field, cipher.encrypt(SecretLocation.authConfig(id, field), auth.get(field).asString()));
            }
        }
        insertStoredWebhook(id, url, cipher.encrypt(SecretLocation.signingKey(id), secret), rules, authType,
                JSON.writeValueAsString(auth), template, headersJson, timeoutMs);
    }

    /** Inserts a webhook with SQL with its secret columns exactly as given (e.g. legacy clear text). */
    protected void insertStoredWebhook(String id, String url, String secret, List<String> rules, String authType,
            String authConfigJson, String template, String headersJson, Integer timeoutMs) {
        jdbc.sql("""
                insert into webhooks (id, name, url, enabled, auth_type, auth_config, secret_key, body_template, headers, timeout_ms)
                values (:id, :id, :url, true, :authType, cast(:auth as jsonb), :secret, :template, cast(:headers as jsonb), :timeout)""")
                .param("id", id).param("url", url).param("authType", authType).param("auth", authConfigJson)
                .param("secret", secret).param("template", template).param("headers", headersJson)
                .param("timeout", timeoutMs)
                .update();
        for (String rule : rules) {
            jdbc.sql("insert into webhook_rules (webhook_id, rule_id) values (?, ?)").params(id, rule).update();
        }
        registry.refresh();
    }

    protected void insertWebhook(String id, String url, String secret, String rule) {
        insertWebhook(id, url, secret, List.of(rule), "none", "{}", null, "{}", null);
    }

    protected static void produce(String topic, String key, String value, Header... headers) {
        produce(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), headers);
    }

    protected static void produce(String topic, byte[] key, byte[] value, Header... headers) {
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, List.of(headers))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    protected static String event(String taskId, String ruleId) {
        return """
                {"task_id":"%s","rule_id":"%s","result_json":{"invoice_no":"INV-1","amount":12.5},
                 "file_url":"https://files.example/%s.pdf","meta_info":{"customer":"ACME"},
                 "completed_at":"2025-12-14T10:00:00Z"}""".formatted(taskId, ruleId, taskId);
    }

    private static final class SharedReceiver {
        static final TestReceiver INSTANCE = TestReceiver.start();
    }
}
