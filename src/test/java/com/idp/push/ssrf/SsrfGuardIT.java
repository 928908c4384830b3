package com.idp.push.ssrf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.ApiClient;
import com.idp.push.support.IntegrationTest;
import com.idp.push.support.TopicReader;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The guard in the running service: the API refuses literal blocked addresses, and a blocked webhook
 * that got past it (inserted with SQL) is dead-lettered on its first attempt, never retried. The test
 * context allows 127.0.0.0/8 for its receiver, so these tests use other blocked ranges.
 */
class SsrfGuardIT extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    private Environment environment;
    @Autowired
    private PipelineTopics topics;
    private final JsonMapper json = JsonMapper.builder().build();
    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(Integer.parseInt(environment.getProperty("local.server.port")), API_TOKEN);
    }

    @Test
    void theApiRefusesLiteralBlockedAddressesNamingTheUrlField() {
        for (String url : new String[] {"http://10.0.0.1/hook", "http://[::ffff:169.254.169.254]/latest",
                "https://0x0a000001/", "http://[fd00:ec2::254]/", "http://100.100.100.200/"}) {
            ApiClient.Response response = api.post("/api/v1/webhooks", """
                    {"url":"%s","rule_ids":["R"]}""".formatted(url));
            assertThat(response.status()).as(url).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            JsonNode error = response.json().get("errors").get(0);
            assertThat(error.get("field").asString()).isEqualTo("url");
            assertThat(response.body()).as(url).contains("blocked: ").contains("IDP_PUSH_ALLOWED_CIDRS");
        }

        String id = unique("WH");
        assertThat(api.post("/api/v1/webhooks", """
                {"id":"%s","url":"%s","rule_ids":["R"]}""".formatted(id, receiver.url("/ssrf-ok"))).status())
                .as("the allow-listed loopback receiver").isEqualTo(201);
        ApiClient.Response moved = api.put("/api/v1/webhooks/" + id, """
                {"url":"http://192.168.1.10/hook","rule_ids":["R"]}""");
        assertThat(moved.status()).isEqualTo(400);
        assertThat(moved.json().get("errors").get(0).get("field").asString()).isEqualTo("url");
        assertThat(registry.find(id).orElseThrow().url().toString()).endsWith("/ssrf-ok");
    }

    @Test
    void aBlockedWebhookInsertedWithSqlIsDeadLetteredWithoutRetries() {
        String rule = unique("R");
        String task = unique("T");
        String webhook = unique("WH");
        insertWebhook(webhook, "http://0x0a000001/hook", "s3cret-s3cret-s3cret", rule);

        produce(topics.input(), task, event(task, rule));

        ConsumerRecord<byte[], byte[]> dead = TopicReader.await(topics.dlq(), r -> task.equals(TopicReader.key(r)), 1, WAIT).get(0);
        JsonNode value = json.readTree(dead.value());
        assertThat(value.get("webhook_id").asString()).isEqualTo(webhook);
        assertThat(value.get("retry_count").asInt()).isZero();
        assertThat(value.get("failure_reason").asString())
                .startsWith("blocked: 10.0.0.1 is in a private range (10.0.0.0/8)")
                .contains("IDP_PUSH_ALLOWED_CIDRS");
        assertThat(value.get("last_http_status").isNull()).isTrue();
        assertThat(TopicReader.header(dead, "idp-retry-count")).isEqualTo("0");
    }

    @Test
    void theTestEndpointIsGuardedToo() {
        String webhook = unique("WH");
        insertWebhook(webhook, "http://[::ffff:a9fe:a9fe]/latest/meta-data/", "s3cret-s3cret-s3cret", unique("R"));

        ApiClient.Response result = api.post("/api/v1/webhooks/" + webhook + "/test", null);

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.json().get("success").asBoolean()).isFalse();
        assertThat(result.json().get("error_message").asString()).startsWith("blocked: ").contains("cloud metadata");
    }
}
