package com.idp.push.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.ApiClient;
import com.idp.push.support.IntegrationTest;
import com.idp.push.support.ReceivedRequest;
import com.idp.push.support.SignatureVerifier;

import tools.jackson.databind.JsonNode;

/** Webhook management through the REST API, over real HTTP. */
class WebhookApiIT extends IntegrationTest {

    @Autowired
    private Environment environment;
    @Autowired
    private PipelineTopics topics;
    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(Integer.parseInt(environment.getProperty("local.server.port")), API_TOKEN);
    }

    @Test
    void createsAWebhookThatReceivesEventsAndNeverShowsItsSecrets() {
        String id = unique("WH");
        String rule = unique("R");
        String path = "/" + unique("api");
        ApiClient.Response created = api.post("/api/v1/webhooks", """
                {"id":"%s","name":"ERP","url":"%s","rule_ids":["%s"],"auth_type":"bearer",
                 "auth_config":{"token":"super-secret-token"},"secret_key":"whsec_c2VjcmV0LXNpZ25pbmcta2V5LTEyMzQ1Ng==",
                 "headers":{"X-Tenant":"acme"},"timeout_ms":5000}""".formatted(id, receiver.url(path), rule));

        assertThat(created.status()).isEqualTo(201);
        JsonNode view = created.json();
        assertThat(view.get("id").asString()).isEqualTo(id);
        assertThat(view.get("auth_config").get("token").asString()).isEqualTo("***");
        assertThat(view.get("has_secret_key").asBoolean()).isTrue();
        assertThat(view.has("secret_key")).isFalse();
        assertThat(view.get("rule_ids").get(0).asString()).isEqualTo(rule);
        assertThat(created.body()).doesNotContain("super-secret-token").doesNotContain("whsec_");
        assertThat(api.get("/api/v1/webhooks/" + id).body()).doesNotContain("super-secret-token");
        assertThat(api.get("/api/v1/webhooks").body()).contains(id).doesNotContain("super-secret-token");

        String task = unique("T");
        produce(topics.input(), task, event(task, rule));
        ReceivedRequest request = receiver.awaitRequests(path, 1, Duration.ofSeconds(30)).get(0);
        assertThat(request.header("Authorization")).isEqualTo("Bearer super-secret-token");
        assertThat(SignatureVerifier.idpSignatureValid("whsec_c2VjcmV0LXNpZ25pbmcta2V5LTEyMzQ1Ng==", request)).isTrue();
    }

    @Test
    void aGeneratedSigningSecretIsShownOnceOnCreationAndSignsTheDeliveries() {
        String id = unique("WH");
        String rule = unique("R");
        String path = "/" + unique("generated");
        ApiClient.Response created = api.post("/api/v1/webhooks", """
                {"id":"%s","url":"%s","rule_ids":["%s"]}""".formatted(id, receiver.url(path), rule));

        assertThat(created.status()).isEqualTo(201);
        String secret = created.json().path("generated_secret_key").asString();
        assertThat(secret).startsWith("whsec_");
        assertThat(api.get("/api/v1/webhooks/" + id).body()).doesNotContain(secret).doesNotContain("generated_secret_key");
        assertThat(api.put("/api/v1/webhooks/" + id, """
                {"url":"%s","rule_ids":["%s"]}""".formatted(receiver.url(path), rule)).body()).doesNotContain(secret);

        String task = unique("T");
        produce(topics.input(), task, event(task, rule));
        ReceivedRequest request = receiver.awaitRequests(path, 1, Duration.ofSeconds(30)).get(0);
        assertThat(SignatureVerifier.idpSignatureValid(secret, request)).isTrue();
        assertThat(SignatureVerifier.standardSignatureValid(secret, request)).isTrue();
    }

    @Test
    void storesEverySecretEncryptedAndDeliversWithTheClearValues() {
        String id = unique("WH");
        String rule = unique("R");
        String path = "/" + unique("enc");
        String password = "pw-ATREST-2c7e91";
        String signing = "signing-ATREST-0d4f5a6b";
        ApiClient.Response created = api.post("/api/v1/webhooks", """
                {"id":"%s","url":"%s","rule_ids":["%s"],"auth_type":"basic",
                 "auth_config":{"username":"erp","password":"%s"},"secret_key":"%s"}"""
                .formatted(id, receiver.url(path), rule, password, signing));
        assertThat(created.status()).isEqualTo(201);

        String row = jdbc.sql("select cast(w as text) from webhooks w where id = ?").param(id).query(String.class).single();
        assertThat(row).doesNotContain(password).doesNotContain(signing).contains("erp");
        assertThat(jdbc.sql("select auth_config->>'password' from webhooks where id = ?").param(id).query(String.class).single())
                .startsWith("enc:v1:");
        assertThat(jdbc.sql("select secret_key from webhooks where id = ?").param(id).query(String.class).single())
                .startsWith("enc:v1:");

        String task = unique("T");
        produce(topics.input(), task, event(task, rule));
        ReceivedRequest request = receiver.awaitRequests(path, 1, Duration.ofSeconds(30)).get(0);
        assertThat(request.header("Authorization")).isEqualTo("Basic "
                + java.util.Base64.getEncoder().encodeToString(("erp:" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(SignatureVerifier.idpSignatureValid(signing, request)).isTrue();
        assertThat(SignatureVerifier.standardSignatureValid(signing, request)).isTrue();
    }

    @Test
    void generatesASigningSecretWhenNoneIsGiven() {
        String id = unique("WH");
        assertThat(api.post("/api/v1/webhooks", minimal(id, receiver.url("/gen"))).status()).isEqualTo(201);
        String stored = jdbc.sql("select secret_key from webhooks where id = ?").param(id).query(String.class).single();
        assertThat(stored).isNotBlank();
        assertThat(registry.find(id).orElseThrow().secretKey()).startsWith("whsec_");
    }

    @Test
    void updateKeepsStoredSecretsButNotWhenTheUrlChanges() {
        String id = unique("WH");
        api.post("/api/v1/webhooks", """
                {"id":"%s","url":"%s","rule_ids":["R"],"auth_type":"basic","auth_config":{"username":"u","password":"p4ss"}}"""
                .formatted(id, receiver.url("/one")));

        ApiClient.Response renamed = api.put("/api/v1/webhooks/" + id, """
                {"name":"renamed","url":"%s","rule_ids":["R"],"auth_type":"basic","auth_config":{"username":"u","password":"***"}}"""
                .formatted(receiver.url("/one")));
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().get("name").asString()).isEqualTo("renamed");
        assertThat(registry.find(id).orElseThrow().auth()).isEqualTo(new AuthConfig.Basic("u", "p4ss"));

        ApiClient.Response moved = api.put("/api/v1/webhooks/" + id, """
                {"url":"%s","rule_ids":["R"],"auth_type":"basic","auth_config":{"username":"u"}}"""
                .formatted(receiver.url("/elsewhere")));
        assertThat(moved.status()).isEqualTo(400);
        assertThat(moved.json().get("errors").get(0).get("field").asString()).isEqualTo("auth_config.password");
        assertThat(registry.find(id).orElseThrow().url().toString()).endsWith("/one");
    }

    @Test
    void refusesInvalidWebhooksNamingEachField() {
        ApiClient.Response response = api.post("/api/v1/webhooks", """
                {"url":"ftp://x","rule_ids":[],"auth_type":"api_key","auth_config":{"key_name":"Bad Header"},
                 "body_template":"{\\"a\\": }","timeout_ms":5,"headers":{"X-IDP-Signature":"forged"}}""");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("errors")).extracting(e -> e.get("field").asString())
                .contains("url", "rule_ids", "auth_config.key_value", "auth_config.key_name", "body_template",
                        "timeout_ms", "headers.X-IDP-Signature");
    }

    @Test
    void refusesADuplicateIdAndAnswers404ForUnknownOnes() {
        String id = unique("WH");
        assertThat(api.post("/api/v1/webhooks", minimal(id, receiver.url("/dup"))).status()).isEqualTo(201);
        assertThat(api.post("/api/v1/webhooks", minimal(id, receiver.url("/dup"))).status()).isEqualTo(409);
        assertThat(api.get("/api/v1/webhooks/nope-" + id).status()).isEqualTo(404);
        assertThat(api.put("/api/v1/webhooks/nope-" + id, minimal(null, receiver.url("/x"))).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/webhooks/" + id).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/webhooks/" + id).status()).isEqualTo(404);
        assertThat(registry.find(id)).isEmpty();
    }

    @Test
    void theTestEndpointSendsOneSignedDeliveryAndReturnsThePushResult() {
        String id = unique("WH");
        String path = "/" + unique("test");
        receiver.on(path).respond(202, java.util.Map.of(), "{\"ok\":true}");
        api.post("/api/v1/webhooks", minimal(id, receiver.url(path)));

        ApiClient.Response result = api.post("/api/v1/webhooks/" + id + "/test", null);

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.json().get("success").asBoolean()).isTrue();
        assertThat(result.json().get("http_status").asInt()).isEqualTo(202);
        assertThat(result.json().get("response_body").asString()).isEqualTo("{\"ok\":true}");
        assertThat(receiver.requests(path)).hasSize(1);
        assertThat(receiver.requests(path).get(0).header("X-IDP-Task-Id")).startsWith("TEST_");
        assertThat(api.post("/api/v1/webhooks/nope/test", null).status()).isEqualTo(404);
    }

    @Test
    void everyWebhookEndpointNeedsTheToken() {
        ApiClient anonymous = api.withoutToken();
        assertThat(anonymous.get("/api/v1/webhooks").status()).isEqualTo(401);
        assertThat(anonymous.post("/api/v1/webhooks", minimal("WH_anon", receiver.url("/a"))).status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/webhooks/x").status()).isEqualTo(401);
        assertThat(anonymous.put("/api/v1/webhooks/x", "{}").status()).isEqualTo(401);
        assertThat(anonymous.delete("/api/v1/webhooks/x").status()).isEqualTo(401);
        assertThat(anonymous.post("/api/v1/webhooks/x/test", null).status()).isEqualTo(401);
        assertThat(registry.find("WH_anon")).isEmpty();
    }

    @Test
    void theOpenApiDocumentAndSwaggerUiAreServed() {
        ApiClient anonymous = api.withoutToken();
        ApiClient.Response docs = anonymous.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().get("paths").has("/api/v1/webhooks")).isTrue();
        assertThat(docs.json().get("paths").has("/api/v1/webhooks/{id}/test")).isTrue();
        assertThat(anonymous.get("/swagger-ui/index.html").status()).isEqualTo(200);
    }

    private static String minimal(String id, String url) {
        return id == null ? "{\"url\":\"%s\",\"rule_ids\":[\"R_MIN\"]}".formatted(url)
                : "{\"id\":\"%s\",\"url\":\"%s\",\"rule_ids\":[\"R_MIN\"]}".formatted(id, url);
    }
}
