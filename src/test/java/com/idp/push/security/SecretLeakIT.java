package com.idp.push.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;

import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.ApiClient;
import com.idp.push.support.IntegrationTest;
import com.idp.push.support.TopicReader;

import tools.jackson.databind.json.JsonMapper;

/**
 * Secrets go in through the API and out only to the receiver: never into a log line, a stored row, a
 * Kafka record of idp-push's own, or an API response. {@link SecretLeakAtTraceIT} repeats this with
 * the most verbose logging an operator might switch on.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretLeakIT extends IntegrationTest {

    private static final String PASSWORD = "pw-LEAKCHECK-7f3a9c";
    private static final String TOKEN = "tok-LEAKCHECK-51be02";
    private static final String KEY_VALUE = "key-LEAKCHECK-a8d4e1";
    private static final String SIGNING = "whsec_TEVBS0NIRUNLLXNpZ25pbmctc2VjcmV0LTAx";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    private Environment environment;
    @Autowired
    private PipelineTopics topics;

    @Test
    void secretsAppearInNoLogRowRecordOrResponse(CapturedOutput output) {
        ApiClient api = new ApiClient(Integer.parseInt(environment.getProperty("local.server.port")), API_TOKEN);
        String rule = unique("R");
        String failing = "/" + unique("leak-fail");
        String working = "/" + unique("leak-ok");
        receiver.on(failing).respond(401, java.util.Map.of(), "bad credentials");
        String basic = unique("WH");
        String bearer = unique("WH");
        String apiKey = unique("WH");
        List<String> responses = new java.util.ArrayList<>();
        responses.add(api.post("/api/v1/webhooks", """
                {"id":"%s","url":"%s","rule_ids":["%s"],"auth_type":"basic","auth_config":{"username":"u","password":"%s"},
                 "secret_key":"%s"}""".formatted(basic, receiver.url(failing), rule, PASSWORD, SIGNING)).body());
        responses.add(api.post("/api/v1/webhooks", """
                {"id":"%s","url":"%s","rule_ids":["%s"],"auth_type":"bearer","auth_config":{"token":"%s"}}"""
                .formatted(bearer, receiver.url(working), rule, TOKEN)).body());
        responses.add(api.post("/api/v1/webhooks", """
                {"id":"%s","url":"%s","rule_ids":["%s"],"auth_type":"api_key","auth_config":{"key_name":"X-Key","key_value":"%s"}}"""
                .formatted(apiKey, receiver.url(working), rule, KEY_VALUE)).body());
        // generated signing secrets are returned once, by design, but must not be logged or stored in clear
        List<String> generated = responses.subList(1, 3).stream()
                .map(body -> JSON.readTree(body).path("generated_secret_key").asString()).toList();
        assertThat(generated).allSatisfy(secret -> assertThat(secret).startsWith("whsec_"));
        // an invalid update echoes nothing it was given
        responses.add(api.put("/api/v1/webhooks/" + bearer, """
                {"url":"ftp://nowhere","rule_ids":["%s"],"auth_type":"bearer","auth_config":{"token":"%s"}}"""
                .formatted(rule, TOKEN)).body());

        String task = unique("T");
        produce(topics.input(), task, event(task, rule));
        receiver.awaitRequests(working, 2, Duration.ofSeconds(30));
        receiver.awaitRequests(failing, 1, Duration.ofSeconds(30));
        TopicReader.await(topics.dlq(), r -> task.equals(TopicReader.key(r)), 1, Duration.ofSeconds(30));
        responses.add(api.post("/api/v1/webhooks/" + basic + "/test", null).body());
        responses.add(api.get("/api/v1/webhooks").body());
        for (String id : List.of(basic, bearer, apiKey)) {
            responses.add(api.get("/api/v1/webhooks/" + id).body());
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                jdbc.sql("select count(*) from push_logs where task_id = ?").param(task).query(Long.class).single() >= 4);

        // the operator API token and the encryption keys too: configuration secrets, not only webhook ones
        List<String> secrets = List.of(PASSWORD, TOKEN, KEY_VALUE, SIGNING,
                Base64.getEncoder().encodeToString(("u:" + PASSWORD).getBytes()), API_TOKEN, TEST_ENCRYPTION_KEY,
                TEST_OLD_ENCRYPTION_KEY);
        String stored = String.join("\n", jdbc.sql("select cast(p as text) from push_logs p where task_id = ? or task_id like 'TEST_%'")
                .param(task).query(String.class).list());
        String records = String.join("\n", TopicReader.await(topics.attempts(), r -> task.equals(TopicReader.key(r)), 3,
                Duration.ofSeconds(30)).stream().map(TopicReader::value).toList())
                + TopicReader.await(topics.dlq(), r -> task.equals(TopicReader.key(r)), 1, Duration.ofSeconds(30))
                        .stream().map(TopicReader::value).toList();
        String webhookRows = String.join("\n", jdbc.sql("select cast(w as text) from webhooks w where id in (?, ?, ?)")
                .params(basic, bearer, apiKey).query(String.class).list());

        for (String secret : secrets) {
            assertThat(output.getAll()).as("log output").doesNotContain(secret);
            assertThat(stored).as("push_logs rows").doesNotContain(secret);
            assertThat(records).as("attempt-log and DLQ records").doesNotContain(secret);
            assertThat(String.join("\n", responses)).as("API responses").doesNotContain(secret);
            assertThat(webhookRows).as("the webhooks table (stored encrypted)").doesNotContain(secret);
        }
        for (String secret : generated) {
            assertThat(output.getAll()).as("log output").doesNotContain(secret);
            assertThat(stored).as("push_logs rows").doesNotContain(secret);
            assertThat(records).as("attempt-log and DLQ records").doesNotContain(secret);
            assertThat(webhookRows).as("the webhooks table (stored encrypted)").doesNotContain(secret);
        }
        assertThat(stored).contains("***");
        assertThat(webhookRows).as("the webhooks table (stored encrypted)").isNotEmpty();
        assertThat(jdbc.sql("""
                select count(*) from webhooks where id in (?, ?, ?) and secret_key like 'enc:v1:%'
                   and coalesce(auth_config->>'password', auth_config->>'token', auth_config->>'key_value') like 'enc:v1:%'""")
                .params(basic, bearer, apiKey).query(Long.class).single()).as("every secret column encrypted").isEqualTo(3);
        assertThat(receiver.requests(failing).get(0).header("Authorization"))
                .as("the receiver does get the credentials").isEqualTo("Basic "
                        + Base64.getEncoder().encodeToString(("u:" + PASSWORD).getBytes()));
    }
}
