package com.idp.push.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.IntegrationTest;

/**
 * What the monitoring files and the operations guide rely on is really exposed: the probe endpoints of
 * the Dockerfile and the Helm chart, the consumer lag of the delivery engine's own KafkaConsumers on
 * /actuator/prometheus, and every metric name used by docs/monitoring/alerts.yml and the Grafana dashboard.
 */
class PrometheusMetricsIT extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    private Environment environment;
    @Autowired
    private PipelineTopics topics;

    @Test
    void probesUsedByTheImageAndTheChartAnswer() throws Exception {
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200));
    }

    @Test
    void everyMetricOfTheAlertsAndTheDashboardIsExposed() throws Exception {
        String rule = unique("R");
        String ok = "/" + unique("metrics-ok");
        String gone = "/" + unique("metrics-gone");
        receiver.on(gone).respondSequence(410);
        insertWebhook(unique("WH"), receiver.url(ok), "s3cret-s3cret-s3cret", rule);
        insertWebhook(unique("WH"), receiver.url(gone), "s3cret-s3cret-s3cret", rule);
        String task = unique("T");
        produce(topics.input(), task, event(task, rule));                          // one delivered, one dead
        produce(topics.input(), unique("T"), "{not json");                         // invalid
        String unrouted = unique("T");
        produce(topics.input(), unrouted, event(unrouted, unique("R_NOBODY")));    // no webhook for the rule
        receiver.awaitRequests(ok, 1, WAIT);
        receiver.awaitRequests(gone, 1, WAIT);

        Set<String> used = new TreeSet<>();
        Artifacts.monitoringExpressions().forEach(e -> used.addAll(Artifacts.metricNames(e)));
        assertThat(used).contains("idp_push_attempts_total", "idp_push_attempt_duration_seconds_bucket",
                "idp_push_dead_letters_total", "idp_push_invalid_records_total", "idp_push_in_flight",
                "kafka_consumer_fetch_manager_records_lag", "kafka_consumer_fetch_manager_records_lag_max");

        // Kafka's per-partition metrics appear once partitions are assigned; Micrometer's binder picks up
        // new Kafka metrics on its refresh (every 60 s), hence the long wait on a fresh context.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            String scrape = get("/actuator/prometheus").body();
            Set<String> exposed = scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
            assertThat(exposed).containsAll(used)
                    .contains("kafka_consumer_coordinator_assigned_partitions"); // named in docs/operations.md
            List<String> engineLag = scrape.lines()
                    .filter(l -> l.startsWith("kafka_consumer_fetch_manager_records_lag{"))
                    .filter(l -> l.contains("client_id=\"idp-push-0\"")).toList();
            assertThat(engineLag).as("the engine consumer's lag per partition")
                    .anySatisfy(l -> assertThat(l).contains("topic=\"" + topics.input().replace('.', '_') + "\""));
        });
    }

    private HttpResponse<String> get(String path) throws Exception {
        String port = environment.getProperty("local.server.port");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
