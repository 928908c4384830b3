package com.idp.push.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import com.idp.push.support.TestInfrastructure;

/**
 * The benchmark (bench/README.md): S1–S6 against a real broker and Postgres on loopback, idp-push
 * in-process, a loopback receiver. Prints the table and writes it into docs/performance.md. Every wait
 * is bounded; a scenario that does not finish in time is reported with what it measured so far.
 *
 * <p>Arguments: none. System properties: {@code bench.scale} (default 1.0) multiplies every event
 * count (0.2 for a quick look), {@code bench.profile} (default true) profiles a second S1 burst,
 * {@code bench.doc} (default docs/performance.md) where the table goes, empty to skip.
 */
public final class BenchmarkMain {

    private static final double SCALE = Double.parseDouble(System.getProperty("bench.scale", "1.0"));
    private static final boolean PROFILE = Boolean.parseBoolean(System.getProperty("bench.profile", "true"));
    /** Scenarios to run, e.g. "S1,S4" (S6 runs with S1, S3 with S4); empty = all. A partial run writes no doc. */
    private static final Set<String> ONLY = Arrays.stream(System.getProperty("bench.only", "").toUpperCase(Locale.ROOT)
            .split("[,\\s]+")).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    private static final Duration PHASE_DEADLINE = Duration.ofSeconds(90);
    private static final double PACED_SECONDS = 4;
    /** Longer than the largest retry delay (3 s): a delivery refused once still arrives within it. */
    private static final Duration STALL = Duration.ofSeconds(8);
    /** Paced phases run at this share of the capacity the burst measured: loaded, but not queueing. */
    private static final double PACED_LOAD = 0.5;
    private static final String BASELINE_TOPIC = "bench.baseline";
    private static final int WARM_UP_BURSTS = 6;

    private final TestInfrastructure infra;
    private final BenchReceiver receiver;
    private final BenchApp app;
    private final EventSource source;
    private final Report report = new Report();
    private final String input;

    private BenchmarkMain(TestInfrastructure infra, BenchReceiver receiver, BenchApp app, EventSource source) {
        this.infra = infra;
        this.receiver = receiver;
        this.app = app;
        this.source = source;
        this.input = app.topics().input();
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(Path.of("target", "bench"));
        TestInfrastructure infra = TestInfrastructure.get();
        int exit = 0;
        try (BenchReceiver receiver = new BenchReceiver();
             BenchApp app = new BenchApp(infra, Map.of());
             EventSource source = new EventSource(infra.kafkaBootstrapServers())) {
            BenchmarkMain bench = new BenchmarkMain(infra, receiver, app, source);
            bench.runAll();
            String doc = ONLY.isEmpty() ? System.getProperty("bench.doc", "docs/performance.md") : "";
            String md = bench.report.markdown(System.getProperty("bench.command", "bench/run"),
                    (System.nanoTime() - t0) / 6e10);
            System.out.println();
            System.out.println(md);
            if (!doc.isBlank()) {
                Report.write(Path.of(doc), md);
                System.out.println("[bench] written to " + doc);
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
            exit = 1;
        }
        System.exit(exit); // Kafka, Netty and Postgres threads would keep the JVM alive; hooks stop Postgres
    }

    private void runAll() throws Exception {
        warmUp();
        if (runs("S1") || runs("S6")) {
            s1AndS6();
            if (PROFILE) {
                profileS1();
            }
        }
        if (runs("S2")) {
            s2();
        }
        if (runs("S3") || runs("S4")) {
            s4(s3());
        }
        if (runs("S5")) {
            s5();
        }
        report.note(String.format(Locale.ROOT, "Scale %.2f. Latency is from the event handed to the producer to the "
                + "request received by the receiver, measured in a second phase paced at %.0f %% of the capacity the "
                + "burst measured, for %.0f s (a burst only measures its own backlog). Throughput and CPU come from the burst.",
                SCALE, PACED_LOAD * 100, PACED_SECONDS));
    }

    /** JIT, connection pool, consumer group and producer warm-up; not reported. */
    private void warmUp() throws Exception {
        // created and filled first: an idempotent producer writing to a topic created a moment ago
        // got OUT_OF_ORDER_SEQUENCE_NUMBER from the embedded broker
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(BASELINE_TOPIC, BenchApp.PARTITIONS, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        source.produceUntimed(BASELINE_TOPIC, "BASE-", "R_BASE", 1000);
        app.addWebhook("WH_WARM", receiver.url("fast", "WH_WARM"), "R_WARM");
        RawCeiling.run(app.sender(), URI.create(receiver.url("fast", "WH_RAW")), scaled(30_000), 1000);
        // Service, broker, Netty and JDBC make ~15,000 compiled methods: after a single warm-up burst the JIT
        // compiler took a core of the two during S1, and the raw ceiling ran at half its warm speed, so both
        // S1 figures measured the compiler as much as the code. Six bursts get most of the way.
        Phase warm = null;
        for (int i = 0; i < WARM_UP_BURSTS; i++) {
            warm = phase("WARM" + i + "-", "R_WARM", scaled(20_000), 0, 1, Set.of());
            awaitSinkDrained();
        }
        report.note(String.format(Locale.ROOT, "Warm-up: %d bursts of %,d S1 events; during the last the JIT compilers "
                + "still worked %.1f s in %.1f s (elapsed time, summed over compiler threads).", WARM_UP_BURSTS,
                scaled(20_000), warm.jitMs() / 1000.0, warm.measured().seconds()));
    }

    private void s1AndS6() throws Exception {
        RawCeiling.Result raw;
        CpuMeter cpu = new CpuMeter().start();
        raw = RawCeiling.run(app.sender(), URI.create(receiver.url("fast", "WH_RAW")), scaled(100_000), 1000);
        CpuMeter.Usage rawCpu = cpu.stop();
        report.add(new Report.Row("S1 raw ceiling: HttpSender alone, 1000 in flight, no Kafka", raw.perSecond(),
                raw.p50Ms(), raw.p99Ms(), rawCpu, raw.requests(), "latency = round trip", "–", null));

        app.addWebhook("WH_S1", receiver.url("fast", "WH_S1"), "R_S1");
        try (SinkLag sink = new SinkLag(infra.kafkaBootstrapServers(), "idp-push-log-sink", app.topics().attempts())) {
            long rowsBefore = app.pushLogRows("");
            SinkLag.Sampling lag = sink.sample(500);
            Phase burst = phase("S1-", "R_S1", scaled(60_000), 0, 1, Set.of());
            long lastDeliveryNs = System.nanoTime();
            boolean drained = awaitSinkDrained();
            long drainedNs = System.nanoTime();
            List<long[]> samples = lag.stop();
            long rows = app.pushLogRows("") - rowsBefore;
            Phase paced = phase("S1P-", "R_S1", (int) (burst.rate() * PACED_LOAD * PACED_SECONDS),
                    burst.rate() * PACED_LOAD, 1, Set.of());
            double share = burst.rate() / raw.perSecond();
            report.add(new Report.Row("S1 engine: fast receiver, 1 webhook/event, 6 partitions", burst.rate(),
                    paced.measured.p50Ms(), paced.measured.p99Ms(), burst.cpu, burst.measured.deliveries(),
                    pct(share) + " of the raw ceiling", "≥ 50 % of raw (aim 10,000/s)", share >= 0.5));

            double sinkSeconds = (drainedNs - burst.recorder.firstProducedNs()) / 1e9;
            double rowsPerSecond = rows / sinkSeconds;
            long maxLag = samples.stream().mapToLong(s -> s[1]).max().orElse(0);
            double drainAfter = (drainedNs - lastDeliveryNs) / 1e9;
            report.add(new Report.Row("S6 attempt-log sink during S1 (rows into push_logs)", rowsPerSecond, Double.NaN,
                    Double.NaN, null, rows, String.format(Locale.ROOT,
                    "%s of S1's rate; lag samples %s; max %,d; drained %.1f s after S1's last delivery%s",
                    pct(rowsPerSecond / burst.rate()), lagProfile(samples), maxLag, drainAfter, drained ? "" : " (NOT drained)"),
                    "keeps up with S1 (≥ 90 % of its rate)", drained && rowsPerSecond >= 0.9 * burst.rate()));
        }
    }

    /**
     * S1's burst once more, profiled, for the profile only: the table's S1 row comes from the burst without
     * the profiler. Where async-profiler cannot load (another OS or CPU), the report says so and goes on.
     */
    private void profileS1() throws Exception {
        Profiler profiler;
        try {
            profiler = new Profiler().start();
        } catch (RuntimeException | IOException | UnsatisfiedLinkError e) {
            report.note("No profile: async-profiler could not start here (" + e + ").");
            return;
        }
        Phase burst = phase("S1PROF-", "R_S1", scaled(30_000), 0, 1, Set.of());
        report.profile(profiler.stop(Path.of("target", "bench"), "s1"), burst.rate());
        awaitSinkDrained();
    }

    private void s2() throws Exception {
        app.addWebhook("WH_S2", receiver.url("slow", "WH_S2"), "R_S2");
        // long enough that the first and last 200 ms (nothing answered yet, the last answers) weigh little
        Phase burst = phase("S2-", "R_S2", scaled(40_000), 0, 1, Set.of());
        awaitSinkDrained();
        Phase paced = phase("S2P-", "R_S2", (int) (burst.rate() * PACED_LOAD * PACED_SECONDS), burst.rate() * PACED_LOAD,
                1, Set.of());

        String topic = BASELINE_TOPIC;
        CpuMeter cpu = new CpuMeter().start();
        double baseline = Baseline.run(infra.kafkaBootstrapServers(), topic, BenchApp.PARTITIONS, app.sender(),
                URI.create(receiver.url("slow", "WH_BASELINE")), Duration.ofSeconds(5));
        CpuMeter.Usage baselineCpu = cpu.stop();
        report.add(new Report.Row("S2 baseline: one record at a time per partition, 200 ms receiver", baseline, Double.NaN,
                Double.NaN, baselineCpu, (long) (baseline * 5), "partitions / latency = " + BenchApp.PARTITIONS * 5 + "/s",
                "–", null));
        double ratio = burst.rate() / baseline;
        report.add(new Report.Row("S2 engine: 200 ms receiver", burst.rate(), paced.measured.p50Ms(), paced.measured.p99Ms(),
                burst.cpu, burst.measured.deliveries(), String.format(Locale.ROOT, "%.0f× the baseline", ratio),
                "≥ 100× the baseline", ratio >= 100));
    }

    private Recorder.Measured s3() throws Exception {
        for (int i = 0; i < 10; i++) {
            app.addWebhook("WH_S3_" + i, receiver.url("fast", "WH_S3_" + i), "R_S3");
        }
        Phase burst = phase("S3-", "R_S3", scaled(6_000), 0, 10, Set.of());
        awaitSinkDrained();
        Phase paced = phase("S3P-", "R_S3", (int) (burst.rate() / 10 * PACED_LOAD * PACED_SECONDS),
                burst.rate() / 10 * PACED_LOAD, 10, Set.of());
        s3PacedEventsPerSecond = burst.rate() / 10 * PACED_LOAD;
        report.add(new Report.Row("S3 fan-out: 10 webhooks per event", burst.rate(), paced.measured.p50Ms(),
                paced.measured.p99Ms(), burst.cpu, burst.measured.deliveries(), "–", "–", null));
        awaitSinkDrained();
        return burst.measured;
    }

    private double s3PacedEventsPerSecond;
    private static final int SHIPPED_SLOW_CALL_AFTER_S = 10;

    private void s4(Recorder.Measured s3) throws Exception {
        for (int i = 0; i < 9; i++) {
            app.addWebhook("WH_S4_" + i, receiver.url("fast", "WH_S4_" + i), "R_S4");
        }
        app.addWebhook("WH_S4_HANG", receiver.url("hang", "WH_S4_HANG"), "R_S4");
        Set<String> hang = Set.of("WH_S4_HANG");
        Phase burst = phase("S4-", "R_S4", scaled(6_000), 0, 9, hang);
        settleRetries();
        Phase paced = phase("S4P-", "R_S4", (int) (s3PacedEventsPerSecond * PACED_SECONDS), s3PacedEventsPerSecond, 9, hang);
        double perEndpointS3 = s3.perSecond() / 10;
        double perEndpointS4 = burst.rate() / 9;
        double keep = perEndpointS4 / perEndpointS3;
        report.add(new Report.Row("S4 noisy neighbour: the 9 healthy of 10, 1 never answers (shipped 30 s deadline)", burst.rate(),
                paced.measured.p50Ms(), paced.measured.p99Ms(), burst.cpu, burst.measured.deliveries(),
                String.format(Locale.ROOT, "per healthy endpoint %s of S3's; the hanging one got %,d requests", pct(keep),
                        burst.recorder.received(Set.of()) - burst.measured.deliveries()),
                "≥ 90 % of S3, p99 < 1 s", keep >= 0.9 && paced.measured.p99Ms() < 1000));
        awaitSinkDrained();
    }

    private void s5() throws Exception {
        app.addWebhook("WH_S5", receiver.url("flaky", "WH_S5"), "R_S5");
        int events = scaled(1_500);
        double rate = 300;
        Recorder recorder = new Recorder("S5-", events, TimeUnit.SECONDS.toNanos(BenchApp.FIRST_RETRY_DELAY_S), 1);
        receiver.recordInto(recorder);
        CpuMeter cpu = new CpuMeter().start();
        source.produce(input, recorder, "R_S5", events, rate);
        boolean all = await(() -> recorder.lateness().size() >= events, PHASE_DEADLINE);
        CpuMeter.Usage usage = cpu.stop();
        Recorder.Samples late = recorder.lateness();
        Recorder.Measured first = recorder.measure(null, Set.of());
        report.add(new Report.Row("S5 retry timing: 503 then 200, first retry due 1 s later", first.perSecond(),
                first.p50Ms(), first.p99Ms(), usage, first.deliveries() + late.size(),
                String.format(Locale.ROOT, "retry lateness against its due time: p50 %s ms, p99 %s ms, max %s ms "
                        + "(%,d retries%s)", Report.num(late.percentileMs(50), 0), Report.num(late.percentileMs(99), 0),
                        Report.num(late.maxMs(), 0), late.size(), all ? "" : ", NOT all arrived"),
                "every retry ≤ 1 s late", all && late.maxMs() <= 1000));
    }

    private record Phase(Recorder recorder, Recorder.Measured measured, CpuMeter.Usage cpu, long jitMs) {
        double rate() {
            return measured.perSecond();
        }
    }

    /** Produces the events (burst when {@code perSecond} is 0) and waits until every delivery arrived. */
    private Phase phase(String prefix, String rule, int events, double perSecond, int perEvent, Set<String> except)
            throws InterruptedException {
        events = Math.max(events, 100);
        Recorder recorder = new Recorder(prefix, events, 0, perEvent);
        receiver.recordInto(recorder);
        CpuMeter cpu = new CpuMeter().start();
        long jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long deferredBefore = app.deferred();
        source.produce(input, recorder, rule, events, perSecond);
        long expected = (long) events * perEvent;
        boolean complete = awaitProgress(() -> recorder.received(except), expected);
        CpuMeter.Usage usage = cpu.stop();
        long jitMs = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore;
        long deferred = app.deferred() - deferredBefore;
        Recorder.Measured measured = recorder.measure(null, except);
        System.out.printf(Locale.ROOT, "[bench]   phase %-6s %,7d deliveries (%,d only on a retry) in %6.2f s = %,8.0f/s "
                + "p50 %s ms p99 %s ms, %,d deferred (endpoint busy), JIT compiling %,d ms%s%n", prefix, measured.deliveries(),
                recorder.retried(), measured.seconds(), measured.perSecond(), Report.num(measured.p50Ms(), 1),
                Report.num(measured.p99Ms(), 1), deferred, jitMs, complete ? "" : "  (INCOMPLETE: deadline reached)");
        if (deferred > 0 && !prefix.startsWith("WARM")) {
            report.note(String.format(Locale.ROOT, "Phase %s: %,d times a delivery found its endpoint's bulkhead full and no "
                    + "slot free within the slot wait, and waited in the first delay topic (%d s here) instead.", prefix,
                    deferred, BenchApp.FIRST_RETRY_DELAY_S));
        }
        if (recorder.retried() > 0) {
            report.note(String.format(Locale.ROOT, "Phase %s: %,d of %,d deliveries reached the endpoint only on a retry "
                    + "(first attempt refused: endpoint busy, bulkhead full).", prefix, recorder.retried(), expected));
        }
        if (!complete) {
            report.note("Phase " + prefix + " stopped waiting (no new delivery for " + STALL.toSeconds() + " s, or "
                    + PHASE_DEADLINE.toSeconds() + " s in all): " + measured.deliveries() + " of " + expected
                    + " deliveries reached the endpoints; the rest were refused on every attempt (dead-lettered).");
        }
        return new Phase(recorder, measured, usage, jitMs);
    }

    /**
     * Lets the burst's deliveries to the hanging endpoint run through their retries into the DLQ before the
     * paced phase, which is to measure the steady state, not the burst's tail: the first attempts are given up
     * once their slow calls have opened the endpoint's breaker (the shipped slow-call-after, 10 s), the retries
     * that follow are refused by the open breaker at once.
     */
    private void settleRetries() throws InterruptedException {
        int schedule = BenchApp.RETRY_DELAYS_S.stream().mapToInt(Integer::intValue).sum();
        Thread.sleep(TimeUnit.SECONDS.toMillis(SHIPPED_SLOW_CALL_AFTER_S + schedule + 1));
        awaitSinkDrained();
    }

    /** Waits (bounded) until the attempt-log sink has stored everything produced so far. */
    private boolean awaitSinkDrained() throws InterruptedException {
        try (SinkLag sink = new SinkLag(infra.kafkaBootstrapServers(), "idp-push-log-sink", app.topics().attempts())) {
            return await(() -> sink.lag() == 0, Duration.ofSeconds(60));
        }
    }

    /** Waits until {@code count} reaches {@code expected}; gives up when it stops moving or at the deadline. */
    private static boolean awaitProgress(java.util.function.LongSupplier count, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + PHASE_DEADLINE.toNanos();
        long last = -1;
        long lastChange = System.nanoTime();
        for (long now = System.nanoTime(); now < deadline; now = System.nanoTime()) {
            long n = count.getAsLong();
            if (n >= expected) {
                return true;
            }
            if (n != last) {
                last = n;
                lastChange = now;
            } else if (now - lastChange > STALL.toNanos()) {
                return false;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private static boolean await(BooleanSupplier condition, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static String lagProfile(List<long[]> samples) {
        if (samples.isEmpty()) {
            return "none";
        }
        List<String> picks = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (int q = 0; q <= 4; q++) {
            int i = (int) Math.round(q / 4.0 * (samples.size() - 1));
            if (seen.add(i)) {
                picks.add(String.format(Locale.ROOT, "%,d@%.1fs", samples.get(i)[1], samples.get(i)[0] / 1000.0));
            }
        }
        return String.join(", ", picks);
    }

    private static String pct(double share) {
        return Report.num(share * 100, 0) + " %";
    }

    private static boolean runs(String scenario) {
        return ONLY.isEmpty() || ONLY.contains(scenario);
    }

    private static int scaled(int n) {
        return Math.max(100, (int) (n * SCALE));
    }
}
