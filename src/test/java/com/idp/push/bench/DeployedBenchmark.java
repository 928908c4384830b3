package com.idp.push.bench;

import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import com.idp.push.delivery.HttpSender;
import com.idp.push.ssrf.AddressGuard;
import com.idp.push.ssrf.AddressPolicy;
import com.idp.push.ssrf.GuardedAddressResolverGroup;
import com.idp.push.support.ServiceProcess;
import com.idp.push.support.StandaloneBroker;

/**
 * The fast path measured as deployed: the broker in its own process with the JVM settings of Kafka's start
 * script, idp-push as the built jar in its own JVM with the image's JVM settings and the shipped configuration
 * (6 partitions, push_logs written by its sink into the embedded Postgres, its own process too), and the
 * receiver, the load generator and the one-at-a-time baseline in this JVM. One webhook per event, answered at
 * once (S1).
 *
 * <ul>
 * <li><b>cold</b>: {@value #COLD} events produced while the service is stopped, then a fresh JVM started: from
 * its first delivery to its last;</li>
 * <li><b>warm</b>: after a warm-up of {@value #WARM} events in the same process, {@value #WARM} more, produced
 * as fast as the producer goes;</li>
 * <li><b>paced</b>: {@value #PACED_RATE}/s for {@value #PACED_SECONDS} s, end-to-end latency (event handed to
 * the producer to request received);</li>
 * <li><b>baseline</b>: one record at a time per partition, a blocking send each, same broker and receiver.</li>
 * </ul>
 * CPU per delivery is the service process's CPU time over the phase. Run with {@code bench/run-deployed}; prints
 * a table. Bounded: every wait has a deadline, everything is on loopback.
 */
public final class DeployedBenchmark {

    private static final int COLD = Integer.getInteger("bench.cold", 20_000);
    private static final int WARM = Integer.getInteger("bench.warm", 40_000);
    private static final int PACED_RATE = 1_000;
    private static final int PACED_SECONDS = 10;
    private static final int PARTITIONS = 6;
    private static final Duration PHASE_DEADLINE = Duration.ofSeconds(120);
    private static final String RULE = "R_DS1";
    private static final String WEBHOOK = "WH_DS1";

    private final StandaloneBroker broker;
    private final BenchReceiver receiver = new BenchReceiver();
    private final ServiceProcess.Settings settings;
    private final List<String> rows = new ArrayList<>();

    private DeployedBenchmark(StandaloneBroker broker) {
        this.broker = broker;
        Map<String, String> properties = new HashMap<>(Map.of(
                "spring.kafka.bootstrap-servers", broker.bootstrapServers(),
                "idp.push.topics.partitions", Integer.toString(PARTITIONS),
                "idp.push.engine.poll-timeout", "500", // the shipped value (ServiceProcess sets 100 for tests)
                "idp.push.webhooks.refresh-interval", "1000"));
        for (String setting : System.getProperty("bench.service.properties", "").split(",")) {
            if (setting.contains("=")) { // e.g. idp.push.engine.consumers=2, to measure a setting against the default
                properties.put(setting.substring(0, setting.indexOf('=')).trim(), setting.substring(setting.indexOf('=') + 1).trim());
            }
        }
        List<String> jvm = new ArrayList<>(ServiceProcess.Settings.DEPLOYED_JVM);
        String extra = System.getProperty("bench.service.jvm", "").trim();
        if (!extra.isEmpty()) {
            jvm.addAll(List.of(extra.split("\\s+"))); // e.g. a flight recording, to see where the time goes
        }
        this.settings = new ServiceProcess.Settings("dbench", "768m", properties, jvm);
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        try (StandaloneBroker broker = StandaloneBroker.create("dbench").asDeployed()) {
            broker.start(Duration.ofSeconds(60));
            DeployedBenchmark bench = new DeployedBenchmark(broker);
            try {
                bench.run();
            } finally {
                bench.receiver.close();
            }
        }
        System.out.printf("[deployed] done in %.1f min%n", (System.nanoTime() - started) / 60e9);
        System.exit(0);
    }

    private void run() throws Exception {
        ServiceProcess service = ServiceProcess.start(settings, "dbench-1");
        try (EventSource source = new EventSource(broker.bootstrapServers())) {
            service.awaitConsuming(Duration.ofSeconds(120));
            var created = service.api().post("/api/v1/webhooks", """
                    {"id":"%s","name":"%s","url":"%s","rule_ids":["%s"],"auth_type":"none"}"""
                    .formatted(WEBHOOK, WEBHOOK, receiver.url("fast", WEBHOOK), RULE));
            if (created.status() != 201) {
                throw new IllegalStateException("webhook not created: " + created.status() + " " + created.body());
            }
            Recorder probe = new Recorder("DPROBE-", 10, 0, 1);
            receiver.recordInto(probe);
            Thread.sleep(2_000); // the registry's refresh interval, twice
            source.produce(settings.inputTopic(), probe, RULE, 10, 0);
            awaitAll(probe, 10);
            service.stop();

            Recorder cold = new Recorder("DCOLD-", COLD, 0, 1);
            receiver.recordInto(cold);
            source.produce(settings.inputTopic(), cold, RULE, COLD, 0);
            service = ServiceProcess.start(settings, "dbench-2");
            service.awaitConsuming(Duration.ofSeconds(120));
            PhaseCpu cpu = new PhaseCpu(service); // after start-up; the first deliveries may overlap it by a little
            row("S1 cold: " + COLD + " events waiting, fresh JVM", cold, COLD, awaitAll(cold, COLD), cpu);

            Recorder warmUp = new Recorder("DWARMUP-", WARM, 0, 1);
            receiver.recordInto(warmUp);
            source.produce(settings.inputTopic(), warmUp, RULE, WARM, 0);
            awaitAll(warmUp, WARM);
            Recorder warm = new Recorder("DWARM-", WARM, 0, 1);
            receiver.recordInto(warm);
            cpu = new PhaseCpu(service);
            source.produce(settings.inputTopic(), warm, RULE, WARM, 0);
            row("S1 warm: " + WARM + " events after " + WARM + " of warm-up", warm, WARM, awaitAll(warm, WARM), cpu);
            printWaits(service);

            Recorder paced = new Recorder("DPACED-", PACED_RATE * PACED_SECONDS, 0, 1);
            receiver.recordInto(paced);
            cpu = new PhaseCpu(service);
            source.produce(settings.inputTopic(), paced, RULE, PACED_RATE * PACED_SECONDS, PACED_RATE);
            boolean all = awaitAll(paced, PACED_RATE * PACED_SECONDS);
            Recorder.Measured latency = paced.measure(null, Set.of());
            rows.add(String.format(Locale.ROOT, "| S1 paced at %,d/s for %d s | %s | p50 %.1f ms, p99 %.1f ms | %s |",
                    PACED_RATE, PACED_SECONDS, all ? "all delivered" : "NOT all delivered", latency.p50Ms(), latency.p99Ms(),
                    cpu.cells(latency.deliveries())));
            service.stop(); // gracefully: a flight recording asked for with bench.service.jvm is written on exit
        } finally {
            service.close();
        }
        double baseline = baseline();
        rows.add(String.format(Locale.ROOT, "| S1 baseline: one record at a time per partition, blocking send | %,.0f/s | – | – | – |",
                baseline));
        System.out.println("[deployed] | phase | deliveries/s | latency | CPU per delivery (service process) | machine |");
        System.out.println("[deployed] |---|---:|---|---:|---|");
        rows.forEach(r -> System.out.println("[deployed] " + r));
    }

    private void row(String name, Recorder recorder, int events, boolean all, PhaseCpu cpu) {
        long deliveries = recorder.received(Set.of());
        double seconds = (recorder.lastReceivedNs() - Math.min(recorder.firstReceivedNs(), firstProducedOrReceived(recorder))) / 1e9;
        rows.add(String.format(Locale.ROOT, "| %s | %,.0f/s%s | – | %s |", name, deliveries / seconds,
                all ? "" : " (only " + deliveries + " of " + events + ")", cpu.cells(deliveries)));
        System.out.println("[deployed] " + rows.get(rows.size() - 1));
    }

    /**
     * The service's own account of what held it up after the warm burst: backpressure pauses, outcomes waiting
     * for the broker, work memory, and the Kafka clients' fetch and produce latencies.
     */
    private static void printWaits(ServiceProcess service) {
        List<String> prefixes = List.of("idp_push_engine_backpressure", "idp_push_outcomes_pending", "idp_push_engine_work_memory_peak",
                "kafka_consumer_fetch_manager_fetch_latency_avg", "kafka_consumer_fetch_manager_records_per_request_avg",
                "kafka_consumer_fetch_manager_fetch_rate", "kafka_producer_request_latency_avg", "kafka_producer_record_queue_time_avg",
                "kafka_producer_batch_size_avg", "kafka_producer_records_per_request_avg", "kafka_producer_request_rate");
        service.metrics().lines().filter(l -> !l.startsWith("#") && prefixes.stream().anyMatch(l::startsWith))
                .forEach(l -> System.out.println("[deployed] after warm: " + l));
    }

    /** For events produced while the service runs, from the first produced; for waiting ones, the first received. */
    private static long firstProducedOrReceived(Recorder recorder) {
        long produced = recorder.firstProducedNs();
        long received = recorder.firstReceivedNs();
        return produced < received && received - produced < TimeUnit.SECONDS.toNanos(5) ? produced : received;
    }

    /** Where the machine's CPU went over a phase: busy cores, and each process's CPU per delivery. */
    private final class PhaseCpu {
        private final ServiceProcess service;
        private final CpuMeter machine = new CpuMeter().start();
        private final long serviceStart;
        private final long brokerStart = cpuNs(broker.pid());
        private final long benchStart = cpuNs(ProcessHandle.current().pid());
        private final long databaseStart = databaseCpuNs();

        PhaseCpu(ServiceProcess service) {
            this.service = service;
            this.serviceStart = cpuNs(service.pid());
        }

        /** "service ms/delivery | machine" cells of a row. */
        String cells(long deliveries) {
            double n = Math.max(1, deliveries) * 1e6;
            return String.format(Locale.ROOT, "%.3f ms | %.2f of %d cores busy; ms/delivery: broker %.3f, Postgres %.3f,"
                    + " load generator and receiver %.3f", (cpuNs(service.pid()) - serviceStart) / n, machine.stop().machine(),
                    Runtime.getRuntime().availableProcessors(), (cpuNs(broker.pid()) - brokerStart) / n,
                    (databaseCpuNs() - databaseStart) / n, (cpuNs(ProcessHandle.current().pid()) - benchStart) / n);
        }
    }

    /** The embedded PostgreSQL: its server processes (daemonised by pg_ctl, so not this JVM's children). */
    private static long databaseCpuNs() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .mapToLong(p -> cpuNs(p.pid())).sum();
    }

    private static long cpuNs(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }

    private static boolean awaitAll(Recorder recorder, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + PHASE_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (recorder.received(Set.of()) >= expected) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private double baseline() throws Exception {
        String topic = "dbench.baseline";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (EventSource source = new EventSource(broker.bootstrapServers());
                HttpSender sender = new HttpSender(16, Duration.ofSeconds(5), 65_536, new GuardedAddressResolverGroup(
                        new AddressGuard(AddressPolicy.allowing("127.0.0.0/8"),
                                host -> CompletableFuture.failedFuture(new UnknownHostException(host)))))) {
            source.produceUntimed(topic, "DBASE-", RULE, 30_000);
            return Baseline.run(broker.bootstrapServers(), topic, PARTITIONS, sender,
                    URI.create(receiver.url("fast", "WH_BASELINE")), Duration.ofSeconds(10));
        }
    }
}
