package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import com.idp.push.support.IntegrationTest;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PipelineHealthIT extends IntegrationTest {

    @Autowired
    private Environment environment;

    @Test
    void healthReportsThePipelineUpOnceConsuming() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode health = JsonMapper.builder().build().readTree(get("/actuator/health"));
            assertThat(health.get("status").asString()).isEqualTo("UP");
        });
        String metrics = get("/actuator/prometheus");
        assertThat(metrics).contains("kafka_consumer_").contains("idp_push_in_flight");
    }

    private String get(String path) throws Exception {
        String port = environment.getProperty("local.server.port");
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
