package com.idp.push.pushlog;

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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.idp.push.support.FreezablePostgres;
import com.idp.push.support.ServiceProcess;
import com.idp.push.support.TestInfrastructure;
import com.idp.push.support.TestReceiver;
import com.idp.push.support.TopicReader;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * "A hung database": the built jar runs as its own process against a Postgres of its own
 * ({@link FreezablePostgres}, so the shared test database and the other test classes are never touched) and
 * the shared broker. While events are produced at {@value #EVENTS_PER_SECOND}/s, one in ten to an endpoint that
 * answers 410 (dead-lettered at once), the whole Postgres server (postmaster and backends) is SIGSTOPped for
 * {@value #FREEZE_MS} ms, then SIGCONTed. Every attempt record must end up in {@code push_logs} exactly once and
 * every DLQ record in {@code dead_letters}; the sinks must recover by themselves; while the database hangs,
 * the API and the health endpoint must answer (bounded by the JDBC timeouts) and health must show the waiting
 * sinks, with liveness UP throughout.
 */
@Timeout(value = 210, unit = TimeUnit.SECONDS)
class HungDatabaseIT {

    private static final int EVENTS_PER_SECOND = 10;
    private static final long FREEZE_AT_MS = 10_000;
    private static final long FREEZE_MS = 60_000;
    private static final long PRODUCE_FOR_MS = FREEZE_AT_MS + FREEZE_MS + 10_000;
    private static final int EVENTS = (int) (PRODUCE_FOR_MS / 1000 * EVENTS_PER_SECOND);

    private final String run = "hung_" + UUID.randomUUID().toString().substring(0, 8);
    private final TestReceiver receiver = TestReceiver.start();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final AtomicBoolean sampling = new AtomicBoolean(true);
    private final List<String> transitions = new ArrayList<>();
    private final Set<String> livenessSeen = ConcurrentHashMap.newKeySet();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sendFailures = new AtomicInteger();
    private final AtomicLong slowestHealthMs = new AtomicLong();
    private final AtomicLong sinksDownSeenMs = new AtomicLong(-1);
    private final AtomicLong attemptSinkPausedSeenMs = new AtomicLong(-1);
    private final AtomicLong attemptSinkPausedLastMs = new AtomicLong(-1);
    private FreezablePostgres postgres;
    private ServiceProcess service;
    private Thread sampler;
    private Thread probeSampler;
    private long t0;

    @AfterEach
    void tearDown() throws InterruptedException {
        sampling.set(false);
        if (sampler != null) {
            sampler.join(70_000);
        }
        if (probeSampler != null) {
            probeSampler.join(15_000);
        }
        if (service != null) {
            service.close();
        }
        if (postgres != null) {
            postgres.close(); // thaws first
        }
        receiver.close();
    }

    @Test
    void aDatabaseHungForAMinuteMidStreamLosesAndDuplicatesNoRow() throws Exception {
        postgres = FreezablePostgres.start();
        ServiceProcess.Settings settings = new ServiceProcess.Settings(run, "256m", Map.of(
                "spring.datasource.url", postgres.jdbcUrl(),
                "spring.datasource.username", postgres.user(),
                "idp.push.retry.delays", "1,2,3",
                "idp.push.http.timeout", "5"));
        String okRule = "R_" + run + "_ok";
        String goneRule = "R_" + run + "_gone";
        String okWebhook = "WH_" + run + "_ok";
        String goneWebhook = "WH_" + run + "_gone";
        receiver.on("/gone").respond(410);
        service = ServiceProcess.start(settings, run);
        service.awaitConsuming(Duration.ofSeconds(90));
        createWebhook(okWebhook, "/ok", okRule);
        createWebhook(goneWebhook, "/gone", goneRule);
        awaitRegistryHasTheWebhook(settings, okRule);

        t0 = System.nanoTime();
        sampler = startHealthSampler();
        probeSampler = startProbeSampler();
        Thread producer = startProducing(settings, okRule, goneRule);

        Thread.sleep(Math.max(0, FREEZE_AT_MS - sinceStart()));
        int deliveredAtFreeze = delivered().size();
        long frozenAtMs;
        long thawedAtMs;
        int processes;
        ApiProbe apiDuringFreeze;
        int requestsDuringFreeze;
        try {
            processes = postgres.freeze();
            frozenAtMs = sinceStart();
            int requestsAtFreeze = receiver.requests().size();
            Thread.sleep(5_000);
            // an API call that needs the database: it must answer (an error) instead of waiting for the thaw
            apiDuringFreeze = apiProbe("/api/v1/tasks/" + run + "_E1/push-logs");
            Thread.sleep(Math.max(0, frozenAtMs + FREEZE_MS - sinceStart()));
            requestsDuringFreeze = receiver.requests().size() - requestsAtFreeze;
        } finally {
            postgres.thaw();
        }
        thawedAtMs = sinceStart();

        producer.join(60_000);
        assertThat(producer.isAlive()).as("producer finished").isFalse();
        int goneEvents = EVENTS / 10;
        await("every task delivered or dead-lettered").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> delivered().containsAll(acked));
        await("every attempt in push_logs and every dead letter in dead_letters").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> postgres.count("select count(distinct task_id) from push_logs where task_id like ? and not dead_lettered",
                        run + "_E%") == EVENTS
                        && postgres.count("select count(distinct task_id) from dead_letters where task_id like ?", run + "_E%")
                        == goneEvents);
        long storedAtMs = sinceStart();
        await("the sinks healthy again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "UP".equals(component(service.health(), "pushLogSinks")));
        String healthAfter = service.health();
        sampling.set(false);
        sampler.join(70_000);
        probeSampler.join(15_000);

        // what the service produced is what must be stored: every attempt record once, every DLQ record once
        Set<String> attemptIds = new HashSet<>();
        int attemptRecords = 0;
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(run + ".attempts", r -> true, Duration.ofSeconds(3))) {
            JsonNode attempt = json.readTree(TopicReader.value(record));
            if (attempt.path("task_id").asString("").startsWith(run + "_E")) {
                attemptRecords++;
                attemptIds.add(attempt.path("attempt_id").asString());
            }
        }
        List<ConsumerRecord<byte[], byte[]>> dlqRecords = TopicReader.readAll(settings.dlqTopic(),
                r -> TopicReader.value(r).contains(run + "_E"), Duration.ofSeconds(3));
        Set<String> storedIds = new HashSet<>();
        long attemptRows = 0;
        for (List<String> row : postgres.rows(
                "select attempt_id, count(*) from push_logs where task_id like ? and not dead_lettered group by attempt_id",
                run + "_E%")) {
            storedIds.add(row.get(0));
            attemptRows += Long.parseLong(row.get(1));
        }
        Set<String> missing = new HashSet<>(attemptIds);
        missing.removeAll(storedIds);
        Set<String> unexpected = new HashSet<>(storedIds);
        unexpected.removeAll(attemptIds);
        long deadRows = postgres.count("select count(*) from dead_letters where task_id like ?", run + "_E%");
        long deadDeliveries = postgres.count("select count(distinct delivery_id) from dead_letters where task_id like ?", run + "_E%");
        long markerRows = postgres.count("select count(*) from push_logs where task_id like ? and dead_lettered", run + "_E%");

        System.out.printf("[hung-db] %d events at %d/s (%d to the 410 endpoint), %d acknowledged, %d send failures;"
                + " Postgres (%d processes) SIGSTOPped at %d ms (%d tasks delivered), SIGCONTed at %d ms (%d ms);"
                + " %d deliveries while frozen%n", EVENTS, EVENTS_PER_SECOND, goneEvents, acked.size(), sendFailures.get(),
                processes, frozenAtMs, deliveredAtFreeze, thawedAtMs, thawedAtMs - frozenAtMs, requestsDuringFreeze);
        System.out.printf("[hung-db] attempts: %d records (%d distinct) on the topic, %d rows (%d distinct) in push_logs,"
                + " %d missing, %d unexpected; dead letters: %d DLQ records, %d rows (%d deliveries), %d marker rows%n",
                attemptRecords, attemptIds.size(), attemptRows, storedIds.size(), missing.size(), unexpected.size(),
                dlqRecords.size(), deadRows, deadDeliveries, markerRows);
        System.out.printf("[hung-db] all rows stored %d ms after the thaw; API during the freeze: %s; slowest health answer %d ms;"
                + " pushLogSinks DOWN seen %d ms after the freeze; idp_push_sink_paused{sink=attempt-log} 1 from %d to %d ms"
                + " after the freeze; liveness seen: %s%n", storedAtMs - thawedAtMs,
                apiDuringFreeze, slowestHealthMs.get(), sinksDownSeenMs.get() < 0 ? -1 : sinksDownSeenMs.get() - frozenAtMs,
                attemptSinkPausedSeenMs.get() < 0 ? -1 : attemptSinkPausedSeenMs.get() - frozenAtMs,
                attemptSinkPausedLastMs.get() < 0 ? -1 : attemptSinkPausedLastMs.get() - frozenAtMs, livenessSeen);
        synchronized (transitions) {
            transitions.forEach(t -> System.out.println("[hung-db] " + t));
        }
        System.out.println("[hung-db] health after: " + healthAfter);

        assertThat(sendFailures.get()).isZero();
        assertThat(acked).hasSize(EVENTS);
        assertThat(missing).as("attempt records never stored").isEmpty();
        assertThat(unexpected).isEmpty();
        assertThat(attemptRows).as("every attempt exactly once").isEqualTo(attemptIds.size());
        assertThat(deadRows).as("every DLQ record stored, once").isEqualTo(dlqRecords.size());
        assertThat(deadDeliveries).isEqualTo(goneEvents);
        assertThat(markerRows).as("one dead-lettered push_logs row per dead letter").isEqualTo(deadRows);
        assertThat(service.isAlive()).isTrue();
        assertThat(requestsDuringFreeze).as("delivery does not wait for the database").isPositive();
        assertThat(livenessSeen).as("liveness does not depend on the database").containsOnly("UP");
        assertThat(apiDuringFreeze.millis()).as("the API answers while the database hangs: " + apiDuringFreeze)
                .isLessThan(FREEZE_MS - 10_000);
        assertThat(slowestHealthMs.get()).as("/actuator/health answers while the database hangs")
                .isLessThan(FREEZE_MS - 10_000);
        assertThat(sinksDownSeenMs.get()).as("health shows the sinks waiting out the outage").isGreaterThan(frozenAtMs);
        assertThat(attemptSinkPausedSeenMs.get()).as("the attempt-log sink is not stuck in a read: it gives up and waits")
                .isBetween(frozenAtMs, thawedAtMs);
        assertThat(component(healthAfter, "pushLogSinks")).isEqualTo("UP");
    }

    private record ApiProbe(int status, long millis, String error) {
    }

    private ApiProbe apiProbe(String path) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                    .header("Authorization", "Bearer " + ServiceProcess.API_TOKEN).timeout(Duration.ofSeconds(FREEZE_MS / 1000 + 10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return new ApiProbe(response.statusCode(), (System.nanoTime() - start) / 1_000_000, null);
        } catch (IOException e) {
            return new ApiProbe(-1, (System.nanoTime() - start) / 1_000_000, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ApiProbe(-1, (System.nanoTime() - start) / 1_000_000, e.toString());
        }
    }

    private Set<String> delivered() {
        Set<String> tasks = new HashSet<>(receiver.taskIds("/ok", run + "_E"));
        tasks.addAll(receiver.taskIds("/gone", run + "_E"));
        return tasks;
    }

    private long sinceStart() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private String component(String health, String name) {
        if (health == null || health.isEmpty()) {
            return null;
        }
        try {
            return json.readTree(health).path("components").path(name).path("status").asString(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Every 250 ms: liveness, and the attempt-log sink's paused gauge (neither needs the database). */
    private Thread startProbeSampler() {
        Thread thread = new Thread(() -> {
            while (sampling.get()) {
                String liveness = get("/actuator/health/liveness", Duration.ofSeconds(5));
                try {
                    livenessSeen.add(liveness == null ? "no answer" : json.readTree(liveness).path("status").asString("?"));
                } catch (RuntimeException e) {
                    livenessSeen.add("unreadable");
                }
                if (service.metric("idp_push_sink_paused", "sink=\"attempt-log\"") == 1) {
                    attemptSinkPausedSeenMs.compareAndSet(-1, sinceStart());
                    attemptSinkPausedLastMs.set(sinceStart());
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "hung-db-probe-sampler");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Polls /actuator/health (overall; it may be slow while the database hangs, hence its own thread and a
     * timeout longer than the freeze, to measure how slow), noting each change of the overall, db and
     * pushLogSinks status and the slowest answer.
     */
    private Thread startHealthSampler() {
        Thread thread = new Thread(() -> {
            String last = "";
            while (sampling.get()) {
                last = sample(last);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "hung-db-health-sampler");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private String sample(String last) {
        try {
            long start = System.nanoTime();
            String health = get("/actuator/health", Duration.ofSeconds(FREEZE_MS / 1000 + 5));
            long took = (System.nanoTime() - start) / 1_000_000;
            slowestHealthMs.accumulateAndGet(took, Math::max);
            String sinks = component(health, "pushLogSinks");
            if ("DOWN".equals(sinks)) {
                sinksDownSeenMs.compareAndSet(-1, sinceStart());
            }
            String now = "overall " + (health == null ? "no answer" : json.readTree(health).path("status").asString("?"))
                    + ", db " + component(health, "db") + ", pushLogSinks " + sinks;
            if (!now.equals(last)) {
                synchronized (transitions) {
                    transitions.add("at %d ms: %s (answered in %d ms)%s".formatted(sinceStart(), now, took,
                            "DOWN".equals(sinks) ? " " + json.readTree(health).path("components").path("pushLogSinks") : ""));
                }
            }
            return now;
        } catch (RuntimeException e) { // an answer that is not JSON: note it, go on sampling
            synchronized (transitions) {
                transitions.add("at %d ms: unreadable answer: %s".formatted(sinceStart(), e));
            }
            return last;
        }
    }

    private String get(String path, Duration timeout) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path)).timeout(timeout)
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void createWebhook(String id, String path, String rule) {
        var created = service.api().post("/api/v1/webhooks", """
                {"id":"%s","name":"%s","url":"%s","rule_ids":["%s"],"auth_type":"none"}"""
                .formatted(id, id, receiver.url(path), rule));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private void awaitRegistryHasTheWebhook(ServiceProcess.Settings settings, String rule) {
        try (KafkaProducer<String, String> producer = producer()) {
            await("the service sees the webhook").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        String probe = run + "_P" + System.nanoTime();
                        producer.send(new ProducerRecord<>(settings.inputTopic(), probe, event(probe, rule))).get();
                        return receiver.requests("/ok").stream().anyMatch(r -> r.taskId().startsWith(run + "_P"));
                    });
        }
    }

    /** Paced: one event in ten to the rule of the 410 endpoint. */
    private Thread startProducing(ServiceProcess.Settings settings, String okRule, String goneRule) {
        Thread thread = new Thread(() -> {
            try (KafkaProducer<String, String> producer = producer()) {
                long begin = System.nanoTime();
                for (int i = 0; i < EVENTS; i++) {
                    String task = run + "_E" + i;
                    producer.send(new ProducerRecord<>(settings.inputTopic(), task, event(task, i % 10 == 9 ? goneRule : okRule)),
                            (metadata, error) -> {
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
        }, "hung-db-producer");
        thread.start();
        return thread;
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.get().kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer());
    }

    private static String event(String task, String rule) {
        return """
                {"task_id":"%s","rule_id":"%s","result_json":{"invoice_no":"INV-1","amount":12.5},"completed_at":"2025-12-14T10:00:00Z"}"""
                .formatted(task, rule);
    }
}
