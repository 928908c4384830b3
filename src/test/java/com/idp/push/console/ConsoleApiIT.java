package com.idp.push.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.ApiClient;
import com.idp.push.support.IntegrationTest;

import tools.jackson.databind.JsonNode;

/** What the console needs from the service, without a browser: its files, headers and API additions. */
class ConsoleApiIT extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @LocalServerPort
    private int port;
    @Autowired
    private PipelineTopics topics;
    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port, API_TOKEN);
    }

    @Test
    void theConsoleIsServedWithoutATokenBehindAStrictContentSecurityPolicy() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> redirect = http.send(HttpRequest.newBuilder(URI.create(base() + "/console")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location").orElseThrow()).endsWith("/console/");

        HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create(base() + "/console/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("<script type=\"module\" src=\"js/app.js\"></script>").doesNotContain("<script>");
        assertThat(index.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe");

        HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create(base() + "/console/js/app.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
        // the data stays behind the token
        assertThat(api.withoutToken().get("/api/v1/stats/timeseries").status()).isEqualTo(401);
    }

    @Test
    void timeseriesHasEveryBucketOfTheWindowWithPercentilesStagesAndDeadLetters() {
        String rule = unique("R");
        String task = unique("T");
        String webhook = unique("WH");
        String path = "/" + unique("ts");
        receiver.on(path).respondSequence(503, 422); // a retry, then dead
        insertWebhook(webhook, receiver.url(path), "s3cret-signing-key-ts01", rule);
        produce(topics.input(), task, event(task, rule));
        await().atMost(WAIT).until(() -> api.get("/api/v1/dlq?task_id=" + task).json().path("dead_letters").size() == 1);

        JsonNode ts = api.get("/api/v1/stats/timeseries?hours=1&webhook_id=" + webhook).json();
        assertThat(ts.path("bucket_seconds").asLong()).isEqualTo(60);
        assertThat(ts.path("buckets").size()).isEqualTo(60);
        long attempts = 0;
        long dead = 0;
        long intake = 0;
        long retries = 0;
        for (JsonNode bucket : ts.path("buckets")) {
            attempts += bucket.path("attempts").asLong();
            dead += bucket.path("dead_letters").asLong();
            intake += bucket.path("attempts_by_stage").path("intake").asLong();
            retries += bucket.path("attempts_by_stage").path("idp.push.retry-1s").asLong();
        }
        assertThat(attempts).isEqualTo(2);
        assertThat(intake).isEqualTo(1);
        assertThat(retries).isEqualTo(1);
        assertThat(dead).isEqualTo(1);
        assertThat(ts.path("dlq_size").asLong()).isEqualTo(1);
        assertThat(ts.path("overall").path("p99_ms").isNumber()).isTrue();
        assertThat(ts.path("consumer_lag").path("group_id").asString()).isEqualTo("idp-push");

        assertThat(api.get("/api/v1/stats/timeseries?hours=0").status()).isEqualTo(400);
        assertThat(api.withoutToken().get("/v3/api-docs").json().path("paths").has("/api/v1/stats/timeseries")).isTrue();
        assertThat(api.get("/api/v1/stats/timeseries?hours=24").json().path("buckets").size()).isLessThanOrEqualTo(72);
    }

    @Test
    void deadLettersFilterByTimeAndStatus() {
        String rule = unique("R");
        String task = unique("T");
        String webhook = unique("WH");
        String path = "/" + unique("gone");
        receiver.on(path).respond(410);
        insertWebhook(webhook, receiver.url(path), "s3cret-signing-key-dl01", rule);
        Instant before = Instant.now().minusSeconds(1);
        produce(topics.input(), task, event(task, rule));
        await().atMost(WAIT).until(() -> api.get("/api/v1/dlq?task_id=" + task).json().path("dead_letters").size() == 1);
        Instant after = Instant.now().plusSeconds(1);

        assertThat(dlq("task_id=" + task + "&since=" + before + "&until=" + after)).isEqualTo(1);
        assertThat(dlq("task_id=" + task + "&since=" + after)).isZero();
        assertThat(dlq("task_id=" + task + "&until=" + before)).isZero();
        assertThat(dlq("task_id=" + task + "&status=requeued")).isZero();

        receiver.on(path).respond(200);
        assertThat(api.post("/api/v1/tasks/" + task + "/retry-push", null).status()).isEqualTo(200);
        assertThat(dlq("task_id=" + task)).isZero(); // pending only, as before
        assertThat(dlq("task_id=" + task + "&status=requeued")).isEqualTo(1);
        assertThat(dlq("task_id=" + task + "&status=all")).isEqualTo(1);

        assertThat(api.get("/api/v1/dlq?since=yesterday").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/dlq?status=dead").status()).isEqualTo(400);
    }

    private int dlq(String query) {
        return api.get("/api/v1/dlq?" + query).json().path("dead_letters").size();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
