package com.idp.push.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.idp.push.support.ServiceProcess;
import com.idp.push.support.StandaloneBroker;

/**
 * Large events, a burst and a hanging endpoint in a small heap, as deployed: the built jar in its own JVM with
 * {@code -Xmx256m} (and {@code -XX:+ExitOnOutOfMemoryError}, as {@link ServiceProcess} starts it) against a
 * standalone broker, at the shipped defaults (30 s {@code PUSH_TIMEOUT}, retry delays 10,30,90, default windows,
 * in-flight bounds, pools, bulkheads and breakers; 6 partitions). Three webhooks of one rule: two point at a
 * receiver that answers at once, the third, on a host of its own, never answers (its {@code timeout_ms} left at
 * the shipped deadline). {@value #EVENTS} events, each carrying {@value #PADDING_KB} KB of {@code result_json}
 * (random text, sent uncompressed, so the bytes on the wire and in the fetch buffers are the event's size), are
 * produced as fast as the producer goes. Reproduces the reported fault: the service ended in
 * {@code OutOfMemoryError} (first in a consumer's fetch buffer).
 *
 * <p>Asserted: the service process is still alive at the end, {@value #SETTLE_SECONDS} s after the healthy
 * endpoints have everything (the hanging one's first deadlines and retries happen meanwhile), and its log has no
 * {@code OutOfMemoryError}; both healthy webhooks receive all {@value #EVENTS} events within
 * {@value #DELIVERY_SECONDS} s of the first one produced. Printed as well: the largest heap used sampled from
 * {@code jvm_memory_used_bytes{area="heap"}} every 0.5 s, and the most the delivery work held against its budget
 * ({@code idp.push.engine.work.memory.peak}).
 */
class MemoryBoundIT {

    private static final int EVENTS = 2_000;
    private static final int PADDING_KB = 300;
    private static final int HEALTHY = 2;
    /** {@code -Dmem.heap=1g} for comparison: how long the same work takes when the heap is not tight. */
    private static final String HEAP = System.getProperty("mem.heap", "256m");
    private static final int DELIVERY_SECONDS = 180;
    private static final int SETTLE_SECONDS = 30;
    /** {@code -Dmem.work-memory=4GB} runs the service as before it had a work-memory budget. */
    private static final String WORK_MEMORY = System.getProperty("mem.work-memory");

    private final String run = "membound_" + UUID.randomUUID().toString().substring(0, 8);
    private final BenchReceiver endpoints = new BenchReceiver();
    /** Another host, as in {@link HangingEndpointIT}: the hanging one shares no connection pool with the two. */
    private final BenchReceiver hangingHost = new BenchReceiver();
    private final AtomicBoolean sampling = new AtomicBoolean();
    private final AtomicLong maxHeapBytes = new AtomicLong();
    private final AtomicLong heapSamples = new AtomicLong();
    private StandaloneBroker broker;
    private ServiceProcess service;

    @AfterEach
    void tearDown() throws IOException {
        sampling.set(false);
        if (service != null) {
            service.close();
        }
        if (broker != null) {
            broker.close();
            deleteRecursively(broker.directory()); // some GB of 300 KB records in the input, retry and DLQ topics
        }
        endpoints.close();
        hangingHost.close();
    }

    @Test
    void largeEventsInABurstBesideAHangingEndpointStayWithinTheHeapAndReachTheHealthyEndpoints() throws Exception {
        broker = StandaloneBroker.create(run);
        broker.start(Duration.ofSeconds(60));
        Map<String, String> properties = new java.util.HashMap<>(Map.of(
                "spring.kafka.bootstrap-servers", broker.bootstrapServers(),
                "idp.push.topics.partitions", "6",
                "idp.push.engine.poll-timeout", "500", // the shipped value (ServiceProcess sets 100)
                "idp.push.webhooks.refresh-interval", "1000"));
        if (WORK_MEMORY != null) {
            properties.put("idp.push.engine.max-work-memory", WORK_MEMORY);
        }
        ServiceProcess.Settings settings = new ServiceProcess.Settings(run, HEAP, properties);
        service = ServiceProcess.start(settings, run);
        service.awaitConsuming(Duration.ofSeconds(120));
        String rule = "R_" + run;
        List<String> healthy = IntStream.range(0, HEALTHY).mapToObj(i -> "WH_" + run + "_" + i).toList();
        healthy.forEach(id -> createWebhook(id, endpoints.url("fast", id), rule));
        String hanging = "WH_" + run + "_HANG";
        createWebhook(hanging, hangingHost.url("hang", hanging), rule);
        Set<String> none = Set.of();
        try (EventSource small = new EventSource(broker.bootstrapServers())) {
            awaitDelivered(small, settings, rule, HEALTHY + 1, none);
        }
        Thread sampler = startHeapSampler();

        Recorder recorder = new Recorder(run + "-big-", EVENTS, 0, HEALTHY + 1);
        recordInto(recorder);
        String padding = padding(PADDING_KB * 1024);
        int eventBytes;
        long producedMs;
        try (KafkaProducer<String, byte[]> producer = largeEventProducer()) {
            eventBytes = largeEvent(recorder.taskId(0), rule, padding).length;
            long begin = System.nanoTime();
            for (int i = 0; i < EVENTS; i++) {
                String taskId = recorder.taskId(i);
                byte[] value = largeEvent(taskId, rule, padding);
                recorder.produced(i, System.nanoTime());
                producer.send(new ProducerRecord<>(settings.inputTopic(), taskId, value));
            }
            producer.flush();
            producedMs = (System.nanoTime() - begin) / 1_000_000;
        }

        // not awaitility: the figures are printed whether or not the service survives
        long deadline = recorder.firstProducedNs() + DELIVERY_SECONDS * 1_000_000_000L;
        long deliveredNs = -1;
        while (service.isAlive() && System.nanoTime() < deadline) {
            if (healthy.stream().allMatch(id -> received(recorder, id) >= EVENTS)) {
                deliveredNs = System.nanoTime();
                break;
            }
            Thread.sleep(200);
        }
        long settleUntil = System.nanoTime() + SETTLE_SECONDS * 1_000_000_000L;
        while (deliveredNs > 0 && service.isAlive() && System.nanoTime() < settleUntil) {
            Thread.sleep(500);
        }
        sampling.set(false);
        sampler.join(5_000);

        boolean alive = service.isAlive();
        long workPeak = (long) gauge("idp_push_engine_work_memory_peak_bytes");
        long workBudget = (long) gauge("idp_push_engine_work_memory_max_bytes");
        String log = Files.readString(service.log(), StandardCharsets.UTF_8);
        String oom = log.lines().filter(l -> l.contains("OutOfMemoryError")).findFirst().orElse(null);
        List<Long> perHealthy = healthy.stream().map(id -> received(recorder, id)).toList();
        long hangingRequests = received(recorder, hanging);
        System.out.printf("[memory-bound] %d events of %d KB (%d bytes each, produced in a burst in %d ms) to %d webhooks,"
                + " one hanging (shipped deadline), -Xmx%s: max heap used %d MiB (%d samples); delivery work held at most"
                + " %d MiB (budget %d MiB); healthy webhooks received %s"
                + " of %d, %s; JVM %s; the hanging host received %d requests (first attempts and deliveries retried)%n",
                EVENTS, eventBytes / 1024, eventBytes, producedMs, HEALTHY + 1, HEAP, maxHeapBytes.get() >> 20,
                heapSamples.get(), workPeak >> 20, workBudget >> 20, perHealthy, EVENTS,
                deliveredNs < 0 ? "not all within " + DELIVERY_SECONDS + " s"
                        : "all in " + (deliveredNs - recorder.firstProducedNs()) / 1_000_000 + " ms",
                alive ? "survived" : "exited" + (oom == null ? "" : " (" + oom.strip() + ")"), hangingRequests);

        assertThat(oom).as("an OutOfMemoryError in the service's log (" + service.log() + ")").isNull();
        assertThat(alive).as("the -Xmx" + HEAP + " service survived (it exits on OutOfMemoryError)").isTrue();
        assertThat(perHealthy).as("events received by each healthy webhook within " + DELIVERY_SECONDS + " s")
                .allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo((long) EVENTS));
    }

    /** The largest sample of a meter (tagged or not), or -1 when the service does not answer. */
    private double gauge(String name) {
        return service.metrics().lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).max().orElse(-1);
    }

    /** First attempts plus deliveries that arrived on a retry, at one webhook. */
    private static long received(Recorder recorder, String webhook) {
        return recorder.measure(Set.of(webhook), Set.of()).deliveries();
    }

    /** Probes until each of {@code endpointsExpected} got one: the service's registry has the webhooks. */
    private void awaitDelivered(EventSource source, ServiceProcess.Settings settings, String rule, int endpointsExpected,
            Set<String> except) {
        await("the service sees the webhooks").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Recorder probe = new Recorder(run + "-P" + System.nanoTime() + "-", 3, 0, endpointsExpected);
            recordInto(probe);
            source.produce(settings.inputTopic(), probe, rule, 3, 0);
            Thread.sleep(1_000);
            return probe.measure(null, except).endpoints() >= endpointsExpected;
        });
    }

    /** Both receivers report to {@code recorder}: the hanging host's requests count as arrived, not as answered. */
    private void recordInto(Recorder recorder) {
        endpoints.recordInto(recorder);
        hangingHost.recordInto(recorder);
    }

    private void createWebhook(String id, String url, String rule) {
        var created = service.api().post("/api/v1/webhooks", """
                {"id":"%s","name":"%s","url":"%s","rule_ids":["%s"],"auth_type":"none"}""".formatted(id, id, url, rule));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    /** As fast as it goes, uncompressed (the padding is random, so lz4 would not shrink it much anyway). */
    private KafkaProducer<String, byte[]> largeEventProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "none",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024), new StringSerializer(), new ByteArraySerializer());
    }

    /** A task-completed event (SPEC §1) whose result_json carries the padding as a page text field. */
    private static byte[] largeEvent(String taskId, String rule, String padding) {
        return ("{\"task_id\":\"" + taskId + "\",\"rule_id\":\"" + rule + "\",\"result_json\":{\"invoice_no\":\"INV-" + taskId
                + "\",\"amount\":1234.5,\"currency\":\"EUR\",\"pages_text\":\"" + padding + "\"},"
                + "\"file_url\":\"https://files.example/" + taskId + ".pdf\",\"meta_info\":{\"customer\":\"ACME\"},"
                + "\"completed_at\":\"2025-12-14T10:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static String padding(int chars) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ";
        Random random = new Random(42);
        StringBuilder text = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private Thread startHeapSampler() {
        sampling.set(true);
        Thread thread = new Thread(() -> {
            while (sampling.get()) {
                double heap = service.metric("jvm_memory_used_bytes", "area=\"heap\"");
                if (heap > 0) {
                    maxHeapBytes.accumulateAndGet((long) heap, Math::max);
                    heapSamples.incrementAndGet();
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "memory-bound-heap-sampler");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
