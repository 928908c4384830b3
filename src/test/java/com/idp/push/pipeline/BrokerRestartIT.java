package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.idp.push.support.ReceivedRequest;
import com.idp.push.support.ServiceProcess;
import com.idp.push.support.StandaloneBroker;
import com.idp.push.support.TestInfrastructure;
import com.idp.push.support.TestReceiver;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * "Broker restart during load": the built jar runs as its own process against a standalone broker process
 * (not the shared in-process one) and the shared Postgres. While 2,000 events are produced at 100/s the
 * broker is killed (SIGKILL), left down for {@value #OUTAGE_MS} ms and started again on the same port with
 * the same data. Every acknowledged task must reach the receiver and every attempt {@code push_logs}; the
 * service must recover by itself (same process, no restart); the {@code pipeline} health component must be
 * DOWN while the broker is away and UP again after, while liveness stays UP throughout.
 */
class BrokerRestartIT {

    private static final int EVENTS = 2_000;
    private static final int EVENTS_PER_SECOND = 100;
    private static final int KILL_AT_DELIVERED = 500;
    private static final long OUTAGE_MS = 12_000;
    private static final long UNREACHABLE_AFTER_MS = 3_000;

    private final String run = "brk_" + UUID.randomUUID().toString().substring(0, 8);
    private final TestReceiver receiver = TestReceiver.start();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final AtomicBoolean sampling = new AtomicBoolean(true);
    private final List<String> transitions = new ArrayList<>();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sendFailures = new AtomicInteger();
    private StandaloneBroker broker;
    private ServiceProcess service;
    private Thread sampler;
    private long t0;
    private volatile String lastLiveness = "";
    private final Set<String> livenessSeen = ConcurrentHashMap.newKeySet();

    @AfterEach
    void tearDown() throws InterruptedException {
        sampling.set(false);
        if (sampler != null) {
            sampler.join(5_000);
        }
        if (service != null) {
            service.close();
        }
        if (broker != null) {
            broker.close();
        }
        receiver.close();
    }

    @Test
    void brokerKilledAndRestartedMidStreamLosesNoDeliveryAndHealthShowsTheOutage() throws Exception {
        broker = StandaloneBroker.create(run);
        broker.start(Duration.ofSeconds(60));
        ServiceProcess.Settings settings = new ServiceProcess.Settings(run, "256m", Map.of(
                "spring.kafka.bootstrap-servers", broker.bootstrapServers(),
                "idp.push.retry.delays", "1,2,3",
                "idp.push.http.timeout", "5",
                "idp.push.engine.max-in-flight-per-partition", "64",
                "idp.push.engine.broker-probe-interval", "500",
                "idp.push.engine.broker-unreachable-after", Long.toString(UNREACHABLE_AFTER_MS)));
        String rule = "R_" + run;
        String webhook = "WH_" + run;
        service = ServiceProcess.start(settings, run);
        service.awaitConsuming(Duration.ofSeconds(120));
        var created = service.api().post("/api/v1/webhooks", """
                {"id":"%s","name":"%s","url":"%s","rule_ids":["%s"],"auth_type":"none"}"""
                .formatted(webhook, webhook, receiver.url("/broker"), rule));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        awaitRegistryHasTheWebhook(settings, rule);

        t0 = System.nanoTime();
        sampler = startHealthSampler();
        Thread producer = startProducing(settings, rule);

        await("delivery of " + KILL_AT_DELIVERED + " tasks").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> receiver.taskIds("/broker", run + "_E").size() >= KILL_AT_DELIVERED);
        broker.kill();
        long killedMs = sinceStart();
        int deliveredAtKill = receiver.taskIds("/broker", run + "_E").size();
        await("the pipeline health component is DOWN while the broker is away")
                .atMost(Duration.ofMillis(OUTAGE_MS)).pollInterval(Duration.ofMillis(100))
                .until(() -> "DOWN".equals(service.pipelineStatus()));
        long downSeenMs = sinceStart();
        long sleep = killedMs + OUTAGE_MS - sinceStart();
        if (sleep > 0) {
            Thread.sleep(sleep);
        }
        String healthDuringOutage = service.health();
        long restartMs = sinceStart();
        broker.start(Duration.ofSeconds(60));
        long readyMs = sinceStart();
        int requestsAtReady = receiver.requests("/broker").size();
        await("a delivery after the broker is back").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> receiver.requests("/broker").size() > requestsAtReady);
        long firstDeliveryMs = sinceStart();
        await("the pipeline health component UP again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> "UP".equals(service.pipelineStatus()));
        long upAgainMs = sinceStart();

        producer.join(90_000);
        assertThat(producer.isAlive()).as("producer finished").isFalse();
        await("every acknowledged task delivered").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> receiver.taskIds("/broker", run + "_E").containsAll(acked));
        long drainedMs = sinceStart();

        String loggedTasks = "select count(distinct task_id) from push_logs where webhook_id = ? and success and task_id like '"
                + run + "_E%'";
        await("attempts of every delivery in push_logs").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> TestInfrastructure.get().count(loggedTasks, webhook) == acked.size());
        long loggedMs = sinceStart();
        long rows = TestInfrastructure.get().count("select count(*) from push_logs where webhook_id = ?", webhook);
        long distinctRows = TestInfrastructure.get().count("select count(distinct (delivery_id, retry_count)) from push_logs where webhook_id = ?", webhook);
        sampling.set(false);
        sampler.join(5_000);

        List<ReceivedRequest> requests = receiver.requests("/broker").stream()
                .filter(r -> r.taskId().startsWith(run + "_E")).toList();
        long duplicates = requests.size() - requests.stream().map(r -> r.header("X-IDP-Delivery-Id")).distinct().count();
        Set<String> lost = new HashSet<>(acked);
        lost.removeAll(receiver.taskIds("/broker", run + "_E"));
        System.out.printf("[broker-restart] %d events at %d/s, %d acknowledged, %d send failures; broker SIGKILLed at %d ms"
                + " (%d tasks delivered), down %d ms, restarted at %d ms, answering at %d ms (start %d ms)%n",
                EVENTS, EVENTS_PER_SECOND, acked.size(), sendFailures.get(), killedMs, deliveredAtKill,
                readyMs - killedMs, restartMs, readyMs, readyMs - restartMs);
        System.out.printf("[broker-restart] pipeline DOWN seen %d ms after the kill (threshold %d ms); first delivery %d ms after"
                + " the broker answered; pipeline UP again %d ms after; backlog drained %d ms after; all attempts in push_logs"
                + " %d ms after%n", downSeenMs - killedMs, UNREACHABLE_AFTER_MS, firstDeliveryMs - readyMs, upAgainMs - readyMs,
                drainedMs - readyMs, loggedMs - readyMs);
        System.out.printf("[broker-restart] %d requests, %d duplicates, %d lost; push_logs rows %d (distinct attempts %d);"
                + " liveness seen: %s; service alive: %s%n", requests.size(), duplicates, lost.size(), rows, distinctRows,
                livenessSeen, service.isAlive());
        System.out.println("[broker-restart] health during the outage: " + healthDuringOutage);
        synchronized (transitions) {
            transitions.forEach(t -> System.out.println("[broker-restart] " + t));
        }

        assertThat(sendFailures.get()).as("the test producer rode out the outage").isZero();
        assertThat(acked).hasSize(EVENTS);
        assertThat(lost).as("acknowledged tasks never delivered").isEmpty();
        assertThat(rows).as("the same attempt recorded twice is one row").isEqualTo(distinctRows);
        assertThat(service.isAlive()).as("the service recovered by itself, without a restart").isTrue();
        assertThat(json.readTree(healthDuringOutage).path("components").path("pipeline").path("details").path("broker")
                .asString()).startsWith("unreachable since");
        assertThat(livenessSeen).as("liveness does not depend on the broker").containsOnly("UP");
    }

    private long sinceStart() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Polls the pipeline component (and liveness) every 200 ms, noting each change of status. */
    private Thread startHealthSampler() {
        Thread thread = new Thread(() -> {
            String last = "";
            while (sampling.get()) {
                String status = service.pipelineStatus();
                String liveness = get("/actuator/health/liveness");
                if (liveness != null) {
                    livenessSeen.add(liveness);
                }
                if (!Objects.equals(status, last)) {
                    synchronized (transitions) {
                        transitions.add("at %d ms: pipeline %s".formatted(sinceStart(), status));
                    }
                    last = status;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "broker-restart-health-sampler");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return json.readTree(response.body()).path("status").asString(null);
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void awaitRegistryHasTheWebhook(ServiceProcess.Settings settings, String rule) {
        try (KafkaProducer<String, String> producer = producer()) {
            await("the service sees the webhook").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        String probe = run + "_P" + System.nanoTime();
                        producer.send(new ProducerRecord<>(settings.inputTopic(), probe, event(probe, rule))).get();
                        return receiver.requests("/broker").stream().anyMatch(r -> r.taskId().startsWith(run + "_P"));
                    });
        }
    }

    private Thread startProducing(ServiceProcess.Settings settings, String rule) {
        Thread thread = new Thread(() -> {
            try (KafkaProducer<String, String> producer = producer()) {
                long begin = System.nanoTime();
                for (int i = 0; i < EVENTS; i++) {
                    String task = run + "_E" + i;
                    producer.send(new ProducerRecord<>(settings.inputTopic(), task, event(task, rule)), (metadata, error) -> {
                        if (error == null) {
                            acked.add(task);
                        } else {
                            sendFailures.incrementAndGet();
                        }
                    });
                    long wait = begin + i * 1_000_000_000L / EVENTS_PER_SECOND - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "broker-restart-producer");
        thread.start();
        return thread;
    }

    /** Rides out the outage: the records wait in its buffer and are retried until the broker is back. */
    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000,
                ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500), new StringSerializer(), new StringSerializer());
    }

    private static String event(String task, String rule) {
        return """
                {"task_id":"%s","rule_id":"%s","result_json":{"invoice_no":"INV-1","amount":12.5},"completed_at":"2025-12-14T10:00:00Z"}"""
                .formatted(task, rule);
    }
}
