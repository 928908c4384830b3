package com.idp.push.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

import kafka.tools.StorageTool;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) as a process of its own, for faults the
 * shared in-process broker cannot take: it can be killed and started again on the same ports with the same
 * data. Runs {@code kafka.Kafka} from the {@code kafka_2.13} jars already on the test class path, in a JVM
 * with a small heap; the storage under {@code target/standalone-kafka-<name>/} is formatted once, as
 * {@code kafka-storage.sh format} would. Output goes to {@code target/broker-<name>.log}.
 */
public final class StandaloneBroker implements AutoCloseable {

    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private Process process;
    /** Small and quick to start, for fault tests; {@link #asDeployed()} for measurements. */
    private List<String> jvmFlags = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private StandaloneBroker(Path dir, Path config, Path log, int port) {
        this.dir = dir;
        this.config = config;
        this.log = log;
        this.port = port;
    }

    /** Formats fresh storage on two fixed loopback ports (outside the ephemeral range); does not start. */
    public static StandaloneBroker create(String name) {
        return create(name, Map.of());
    }

    /**
     * As {@link #create(String)}, with broker settings that replace the test defaults, e.g. a test that
     * measures group timing puts back {@code group.initial.rebalance.delay.ms} at Kafka's default.
     */
    public static StandaloneBroker create(String name, Map<String, String> overrides) {
        int port = TestInfrastructure.freeFixedPort();
        int controllerPort;
        do {
            controllerPort = TestInfrastructure.freeFixedPort();
        } while (controllerPort == port);
        Path dir = Path.of("target", "standalone-kafka-" + name).toAbsolutePath();
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir.resolve("data"));
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", "1");
            p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.setProperty("log.dirs", dir.resolve("data").toString());
            p.setProperty("auto.create.topics.enable", "false");
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            p.setProperty("offsets.topic.num.partitions", "5");
            p.setProperty("offsets.topic.replication.factor", "1");
            p.setProperty("transaction.state.log.num.partitions", "5");
            p.setProperty("transaction.state.log.replication.factor", "1");
            p.setProperty("transaction.state.log.min.isr", "1");
            // a restarted broker registers again once the controller has let its old session expire
            p.setProperty("broker.session.timeout.ms", "3000");
            p.setProperty("broker.heartbeat.interval.ms", "500");
            p.setProperty("share.coordinator.state.topic.replication.factor", "1");
            p.setProperty("share.coordinator.state.topic.min.isr", "1");
            overrides.forEach(p::setProperty);
            Path config = dir.resolve("server.properties");
            try (Writer writer = Files.newBufferedWriter(config)) {
                p.store(writer, "standalone test broker; generated");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int exit = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                    new PrintStream(output, true, StandardCharsets.UTF_8));
            if (exit != 0) {
                throw new IllegalStateException("formatting " + dir + " failed: " + output.toString(StandardCharsets.UTF_8));
            }
            return new StandaloneBroker(dir, config, Path.of("target", "broker-" + name + ".log").toAbsolutePath(), port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the broker with the JVM settings of Kafka's own start script ({@code kafka-server-start.sh}: 1 GB heap,
     * G1 with 20 ms pause goal, full JIT) instead of the fault tests' small ones: for benchmarks, where the
     * broker's speed is part of what is measured. Before {@link #start}.
     */
    public synchronized StandaloneBroker asDeployed() {
        jvmFlags = List.of("-Xmx1G", "-Xms1G", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent");
        return this;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the broker process on its ports and data; returns once it answers a cluster description. */
    public synchronized void start(Duration timeout) {
        if (isAlive()) {
            throw new IllegalStateException("broker already running");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmFlags);
        // the group coordinator at INFO (fault tests read its expiries); everything else at WARN
        command.add("-Dlogback.configurationFile=standalone-broker-logback.xml");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "kafka.Kafka", config.toString()));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("broker exited with " + process.exitValue() + "; see " + log);
                }
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(1000)).clusterId().get(2, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("broker not ready after " + timeout + "; see " + log, e);
                    }
                }
            }
        }
    }

    /** SIGKILL: no controlled shutdown, no flush (what was acknowledged is in the page cache, so it survives). */
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The broker's process id (for a thread dump, or signals). */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("broker not started");
        }
        return process.pid();
    }

    /**
     * SIGSTOP: the process is frozen, its sockets stay open, so clients see no error, only silence (a hung
     * broker, a long GC pause, a VM stalled by its host). Always follow with {@link #resume()}; {@link #close()}
     * resumes too, so that the kill is not held up.
     */
    public synchronized void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        signal("CONT"); // harmless when running; never leave a frozen broker behind a failed test
        kill();
    }

    public Path directory() {
        return dir;
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
