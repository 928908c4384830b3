package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.idp.push.support.HostileServer;
import com.idp.push.support.ReceivedRequest;
import com.idp.push.support.ServiceProcess;
import com.idp.push.support.TestInfrastructure;
import com.idp.push.support.TestReceiver;

/**
 * "At least once, nothing lost" under SIGKILL: the built jar runs as its own process (256 MiB heap) while
 * events stream in, and is killed without warning three times mid-stream and restarted. Every task must
 * reach the receiver, every attempt must end up in push_logs (the attempt log of a killed process is
 * written by the sinks of its successor), and the repeated deliveries must stay within the uncommitted
 * window: partitions x max-uncommitted-per-partition per kill (set to the in-flight bound here). One rule also fans out to an endpoint that
 * answers every request with a 1 GiB body, so the small heap is exercised while the crashes happen.
 */
class CrashRecoveryIT {

    private static final int EVENTS = 3_000;
    private static final int EVENTS_PER_SECOND = 150;
    private static final int PARTITIONS = 3;
    private static final int MAX_IN_FLIGHT = 64;
    private static final int[] KILL_AT = {500, 1_200, 2_000};

    private final String run = "crash_" + UUID.randomUUID().toString().substring(0, 8);
    private final TestReceiver receiver = TestReceiver.start();
    private final HostileServer gigabyte = HostileServer.start(HostileServer.Behaviour.GIGABYTE_BODY);
    private final List<ServiceProcess> processes = new ArrayList<>();
    private final AtomicBoolean sampling = new AtomicBoolean(true);
    private final AtomicLong maxHeapBytes = new AtomicLong();
    private volatile ServiceProcess current;

    @AfterEach
    void tearDown() {
        sampling.set(false);
        processes.forEach(ServiceProcess::close);
        receiver.close();
        gigabyte.close();
    }

    @Test
    void sigkillThreeTimesMidStreamLosesNoDeliveryAndRepeatsAtMostTheInFlightWindow() throws Exception {
        ServiceProcess.Settings settings = new ServiceProcess.Settings(run, "256m", Map.of(
                "idp.push.retry.delays", "1,2,3",
                "idp.push.http.timeout", "5",
                "idp.push.engine.max-in-flight-per-partition", Integer.toString(MAX_IN_FLIGHT),
                "idp.push.engine.max-uncommitted-per-partition", Integer.toString(MAX_IN_FLIGHT)));
        String rule = "R_" + run;
        String bigRule = "RB_" + run;
        String okWebhook = "WH_" + run + "_ok";
        start(settings, 0);
        createWebhook(okWebhook, receiver.url("/crash"), rule + "\",\"" + bigRule);
        createWebhook("WH_" + run + "_big", gigabyte.url("/big"), bigRule);
        awaitRegistryHasTheWebhooks(settings, rule);
        Thread heapSampler = startHeapSampler();

        long started = System.nanoTime();
        Thread producer = startProducing(settings, rule, bigRule);
        List<String> recoveries = new ArrayList<>();
        for (int k = 0; k < KILL_AT.length; k++) {
            int threshold = KILL_AT[k];
            await("delivery of " + threshold + " tasks").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(10))
                    .until(() -> receiver.taskIds("/crash", run + "_E").size() >= threshold);
            current.kill();
            long killedAt = System.nanoTime();
            int deliveredAtKill = receiver.taskIds("/crash", run + "_E").size();
            start(settings, k + 1);
            long consumingMs = (System.nanoTime() - killedAt) / 1_000_000;
            await("progress after restart " + (k + 1)).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> receiver.taskIds("/crash", run + "_E").size() > deliveredAtKill || receiver.taskIds("/crash", run + "_E").size() == EVENTS);
            long progressMs = (System.nanoTime() - killedAt) / 1_000_000;
            recoveries.add("kill %d at %d tasks: restarted and consuming after %d ms, new deliveries after %d ms"
                    .formatted(k + 1, deliveredAtKill, consumingMs, progressMs));
        }
        producer.join(60_000);
        await("all " + EVENTS + " tasks delivered").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> receiver.taskIds("/crash", run + "_E").size() == EVENTS);
        long deliveredMs = (System.nanoTime() - started) / 1_000_000;

        // every attempt in push_logs: one row per (delivery, attempt), for both webhooks
        String loggedTasks = "select count(distinct task_id) from push_logs where webhook_id = ? and success and task_id like '"
                + run + "_E%'";
        await("attempts of every delivery in push_logs").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> TestInfrastructure.get().count(loggedTasks, okWebhook) == EVENTS && TestInfrastructure.get().count(loggedTasks, "WH_" + run + "_big") == EVENTS / 10);
        long rows = TestInfrastructure.get().count("select count(*) from push_logs where webhook_id = ?", okWebhook);
        long distinctRows = TestInfrastructure.get().count("select count(distinct (delivery_id, retry_count)) from push_logs where webhook_id = ?", okWebhook);
        assertThat(rows).as("the same attempt recorded twice is one row").isEqualTo(distinctRows);

        List<ReceivedRequest> requests = receiver.requests("/crash").stream()
                .filter(r -> r.taskId().startsWith(run + "_E")).toList();
        long duplicates = requests.size() - requests.stream().map(r -> r.header("X-IDP-Delivery-Id")).distinct().count();
        int bound = KILL_AT.length * PARTITIONS * MAX_IN_FLIGHT;
        sampling.set(false);
        heapSampler.join(5_000);
        System.out.printf("[crash] %d events, %d SIGKILLs: all delivered in %d ms; %d requests, %d duplicates"
                + " (bound %d = %d kills x %d partitions x %d in flight); push_logs rows for the receiver's webhook: %d;"
                + " max heap used by the -Xmx256m service: %d MiB; 1 GiB-body responses: %d, bytes the endpoint got out: %d MiB%n",
                EVENTS, KILL_AT.length, deliveredMs, requests.size(), duplicates, bound, KILL_AT.length, PARTITIONS,
                MAX_IN_FLIGHT, rows, maxHeapBytes.get() >> 20, gigabyte.requests(), gigabyte.bytesWritten() >> 20);
        recoveries.forEach(r -> System.out.println("[crash] " + r));

        assertThat(receiver.taskIds("/crash", run + "_E")).hasSize(EVENTS);
        assertThat(duplicates).isLessThanOrEqualTo(bound);
        assertThat(current.isAlive()).as("the 256 MiB service survived (it exits on OutOfMemoryError)").isTrue();
        assertThat(maxHeapBytes.get()).isLessThan(256L << 20);
    }

    private void start(ServiceProcess.Settings settings, int generation) {
        ServiceProcess process = ServiceProcess.start(settings, run + "-" + generation);
        processes.add(process);
        current = process;
        process.awaitConsuming(Duration.ofSeconds(120));
    }

    private void createWebhook(String id, String url, String rulesJoined) {
        var response = current.api().post("/api/v1/webhooks", """
                {"id":"%s","name":"%s","url":"%s","rule_ids":["%s"],"auth_type":"none"}""".formatted(id, id, url, rulesJoined));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
    }

    /** The registry refreshes from Postgres: send probes until one arrives, so no event of the run is unrouted. */
    private void awaitRegistryHasTheWebhooks(ServiceProcess.Settings settings, String rule) throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            await("the service sees the webhooks").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        String probe = run + "_P" + System.nanoTime();
                        producer.send(new ProducerRecord<>(settings.inputTopic(), probe, event(probe, rule))).get();
                        return receiver.requests("/crash").stream().anyMatch(r -> r.taskId().startsWith(run + "_P"));
                    });
        }
    }

    private Thread startProducing(ServiceProcess.Settings settings, String rule, String bigRule) {
        Thread thread = new Thread(() -> {
            try (KafkaProducer<String, String> producer = producer()) {
                long begin = System.nanoTime();
                for (int i = 0; i < EVENTS; i++) {
                    String task = run + "_E" + i;
                    producer.send(new ProducerRecord<>(settings.inputTopic(), task, event(task, i % 10 == 0 ? bigRule : rule)));
                    long due = begin + i * 1_000_000_000L / EVENTS_PER_SECOND;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "crash-producer");
        thread.start();
        return thread;
    }

    private Thread startHeapSampler() {
        Thread thread = new Thread(() -> {
            while (sampling.get()) {
                ServiceProcess process = current;
                double heap = process == null ? -1 : process.metric("jvm_memory_used_bytes", "area=\"heap\"");
                if (heap > 0) {
                    maxHeapBytes.accumulateAndGet((long) heap, Math::max);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "crash-heap-sampler");
        thread.setDaemon(true);
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
