package com.idp.push.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;

import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.ApiClient;
import com.idp.push.support.IntegrationTest;
import com.idp.push.support.ReceivedRequest;
import com.idp.push.support.TopicReader;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * No silent skip: a webhook the registry cannot load (a secret under a key this instance does not have, a
 * stored template the current rules refuse, a row that cannot be used at all) still gets every delivery of
 * its rule as an attempt in push_logs, retried or dead-lettered with a reason naming it, beside a healthy
 * webhook of the same rule that is delivered as before. Before the fix the unloadable webhook was left out
 * of the registry: no attempt, no dead letter, no metric, only a log line per registry load.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnloadableWebhookIT extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A key the test context does not have, as during a key rotation that reached the database first. */
    private static final AesGcmSecretCipher UNKNOWN_KEY = AesGcmSecretCipherTest.cipher(AesGcmSecretCipherTest.key(77));
    /** Accepted by the template rules before sections had to open and close on the same side of a string. */
    private static final String STALE_TEMPLATE = "{\"customer\":\"{{#meta_info}}{{customer}}\"{{/meta_info}}}";

    @Autowired
    private PipelineTopics topics;
    @Autowired
    private MeterRegistry meters;
    @Autowired
    private Environment environment;
    private final JsonMapper json = JsonMapper.builder().build();
    private final List<String> inserted = new ArrayList<>();
    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(Integer.parseInt(environment.getProperty("local.server.port")), API_TOKEN);
    }

    @AfterEach
    void removeRows() {
        inserted.forEach(id -> jdbc.sql("delete from webhooks where id = ?").param(id).update());
        registry.refresh();
    }

    @Test
    void aSecretUnderAKeyNotConfiguredIsRetriedWithTheReasonAndDeliveredOnceItDecrypts(CapturedOutput output) {
        String rule = unique("R");
        String task = unique("T");
        String healthy = webhookId("WH_ok");
        String keyless = webhookId("WH_key");
        insertWebhook(healthy, receiver.url("/" + healthy), "s3cret", rule);
        String storedToken = UNKNOWN_KEY.encrypt(SecretLocation.authConfig(keyless, "token"), "tok-UNL1");
        String storedSigning = UNKNOWN_KEY.encrypt(SecretLocation.signingKey(keyless), "sign-UNL1");
        insertStoredWebhook(keyless, receiver.url("/" + keyless), storedSigning, List.of(rule), "bearer",
                "{\"token\":\"" + storedToken + "\"}", null, "{}", null);
        String keyId = UNKNOWN_KEY.currentKeyId();

        JsonNode view = api.get("/api/v1/webhooks/" + keyless).json();
        assertThat(view.get("load_error").asString()).contains("key id " + keyId).doesNotContain(storedToken);
        assertThat(api.get("/api/v1/webhooks/" + healthy).json().has("load_error")).isFalse();
        assertThat(unloadable("secret")).isGreaterThanOrEqualTo(1);

        produce(topics.input(), task, event(task, rule));

        assertThat(receiver.awaitRequests("/" + healthy, 1, WAIT)).hasSize(1);
        JsonNode first = json.readTree(TopicReader.await(topics.attempts(), r -> task.equals(TopicReader.key(r))
                && keyless.equals(json.readTree(r.value()).get("webhook_id").asString()), 1, WAIT).get(0).value());
        assertThat(first.get("outcome").asString()).isEqualTo("retrying");
        assertThat(first.get("error_message").asString())
                .startsWith("webhook-unloadable: webhook " + keyless + " auth_config.token is encrypted with key id " + keyId);

        // the key arrives (here: the row re-encrypted under a key the service has): the next retry is delivered
        jdbc.sql("update webhooks set secret_key = ?, auth_config = cast(? as jsonb) where id = ?")
                .params(cipher.encrypt(SecretLocation.signingKey(keyless), "sign-UNL1"),
                        "{\"token\":\"" + cipher.encrypt(SecretLocation.authConfig(keyless, "token"), "tok-UNL1") + "\"}", keyless)
                .update();
        registry.refresh();
        ReceivedRequest healed = receiver.awaitRequests("/" + keyless, 1, WAIT).get(0);
        assertThat(healed.header("Authorization")).isEqualTo("Bearer tok-UNL1");
        assertThat(Integer.parseInt(healed.header("X-IDP-Attempt"))).isGreaterThanOrEqualTo(2);
        assertThat(api.get("/api/v1/webhooks/" + keyless).json().has("load_error")).isFalse();

        await().atMost(WAIT).untilAsserted(() -> assertThat(jdbc.sql("""
                select outcome, error_message from push_logs where webhook_id = ? and not dead_lettered order by retry_count""")
                .param(keyless).query().listOfRows())
                .extracting(row -> row.get("outcome")).startsWith("retrying").endsWith("delivered"));
        assertThat(jdbc.sql("select count(*) from dead_letters where webhook_id = ?").param(keyless).query(Long.class).single()).isZero();
        assertThat(receiver.requests("/" + healthy)).as("the healthy webhook once, as before").hasSize(1);
        assertThat(warnings(output, keyless)).as("one warning per load, none per delivery").hasSize(1)
                .allSatisfy(line -> assertThat(line).contains("key id " + keyId));
        assertThat(output.getAll()).doesNotContain("UNL1").doesNotContain(storedToken).doesNotContain(storedSigning);
    }

    @Test
    void aStoredTemplateThatNoLongerCompilesAndAnUnusableRowAreDeadLetteredNamingTheWebhook(CapturedOutput output) {
        String rule = unique("R");
        String task = unique("T");
        String healthy = webhookId("WH_ok");
        String staleTemplate = webhookId("WH_tpl");
        String badUrl = webhookId("WH_url");
        insertWebhook(healthy, receiver.url("/" + healthy), "s3cret", rule);
        insertWebhook(staleTemplate, receiver.url("/" + staleTemplate), "s3cret", List.of(rule), "none", "{}",
                STALE_TEMPLATE, "{}", null);
        insertWebhook(badUrl, receiver.url("/" + badUrl) + " and more", "s3cret", List.of(rule), "none", "{}", null, "{}", null);

        assertThat(api.get("/api/v1/webhooks/" + staleTemplate).json().get("load_error").asString())
                .contains("body_template").contains("{{#meta_info}}");
        assertThat(api.get("/api/v1/webhooks/" + badUrl).json().get("load_error").asString()).contains("url");
        assertThat(unloadable("template")).isGreaterThanOrEqualTo(1);
        assertThat(unloadable("other")).isGreaterThanOrEqualTo(1);
        JsonNode testPush = api.post("/api/v1/webhooks/" + staleTemplate + "/test", "").json();
        assertThat(testPush.get("success").asBoolean()).isFalse();
        assertThat(testPush.get("error_message").asString()).startsWith("template error: stored body_template of webhook");

        produce(topics.input(), task, event(task, rule));

        assertThat(receiver.awaitRequests("/" + healthy, 1, WAIT)).hasSize(1);
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.await(topics.dlq(), r -> task.equals(TopicReader.key(r)), 2, WAIT);
        Map<String, JsonNode> byWebhook = new java.util.HashMap<>();
        dead.forEach(r -> byWebhook.put(TopicReader.header(r, "idp-webhook-id"), json.readTree(r.value())));
        assertThat(byWebhook).containsOnlyKeys(staleTemplate, badUrl);
        assertThat(byWebhook.get(staleTemplate).get("failure_reason").asString())
                .startsWith("template error: stored body_template of webhook " + staleTemplate + " no longer compiles: ")
                .contains("{{#meta_info}}");
        assertThat(byWebhook.get(badUrl).get("failure_reason").asString())
                .startsWith("webhook-unloadable: webhook " + badUrl + " cannot be loaded: ");
        assertThat(byWebhook.values()).allSatisfy(value -> assertThat(value.get("retry_count").asInt()).isZero());

        await().atMost(WAIT).untilAsserted(() -> {
            for (String id : List.of(staleTemplate, badUrl)) {
                assertThat(jdbc.sql("select outcome from push_logs where webhook_id = ? and task_id = ? and not dead_lettered")
                        .params(id, task).query(String.class).list()).as(id).containsExactly("dead");
                assertThat(jdbc.sql("select status from dead_letters where webhook_id = ?").param(id)
                        .query(String.class).list()).as(id).containsExactly("pending");
            }
        });
        assertThat(receiver.requests("/" + staleTemplate)).isEmpty();
        assertThat(warnings(output, staleTemplate)).hasSize(1);
        assertThat(warnings(output, badUrl)).hasSize(1);
    }

    private String webhookId(String prefix) {
        String id = unique(prefix);
        inserted.add(id);
        return id;
    }

    private double unloadable(String problem) {
        Gauge gauge = meters.find("idp.push.webhooks.unloadable").tag("problem", problem).gauge();
        assertThat(gauge).as("gauge idp.push.webhooks.unloadable{problem=%s}", problem).isNotNull();
        return gauge.value();
    }

    private static List<String> warnings(CapturedOutput output, String webhookId) {
        return output.getAll().lines().filter(line -> line.contains(" WARN ") && line.contains("WebhookRegistry")
                && line.contains(webhookId)).toList();
    }
}
