package com.idp.push.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * JVM-wide Kafka broker + PostgreSQL shared by every integration test.
 *
 * <p>Why a singleton: starting a broker and a database costs seconds, and Spring's test-context
 * cache shares one application context between test classes, so the infrastructure that context
 * points at must live at least as long. It is started lazily on the first {@link #get()} and
 * stopped by a JVM shutdown hook.
 *
 * <p>Which infrastructure: with a Docker engine, Testcontainers ({@code apache/kafka},
 * {@code postgres:17-alpine}); without one (the normal case on the dev/CI machines) an in-process
 * KRaft broker ({@link EmbeddedKafkaKraftBroker}) and a zonky {@link EmbeddedPostgres} (PostgreSQL
 * 17 binaries). Chosen by the system property or environment variable {@code idp.test.docker}
 * ({@code IDP_TEST_DOCKER}): {@code true}, {@code false} or {@code auto} (default). {@code auto}
 * first looks for cheap hints of an engine (DOCKER_HOST, a docker.sock in the usual places, a
 * {@code docker.host} in ~/.testcontainers.properties) and only then asks Testcontainers.
 *
 * <p>Database outage tests: {@link #stopPostgres()} / {@link #startPostgres()} restart the
 * same server on the same port with the same data. Embedded: the data directory lives under
 * {@code target/embedded-pg/} and the port is fixed for the JVM. Docker: the container is created
 * with a fixed host port binding, and stop/start are Docker's stop/start of that same container
 * (not Testcontainers' stop, which would remove it).
 */
public final class TestInfrastructure {

    /** Database that {@link #jdbcUrl()} points at. */
    public static final String DATABASE = "idp";
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";
    private static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    private static final String POSTGRES_IMAGE = "postgres:17-alpine";
    private static final Duration POSTGRES_READY_TIMEOUT = Duration.ofSeconds(60);

    private static volatile TestInfrastructure instance;
    private static Throwable startFailure; // guarded by TestInfrastructure.class

    private final boolean docker;
    private final String dockerDecision;
    private final int postgresPort;

    // Kafka: exactly one of these is set
    private EmbeddedKafkaKraftBroker embeddedKafka;
    private KafkaContainer kafkaContainer;
    private final String kafkaBootstrapServers;

    // Postgres: exactly one of these is used
    private final Path pgDataDir;
    private EmbeddedPostgres embeddedPostgres; // null while stopped
    private PostgreSQLContainer postgresContainer;
    private boolean postgresRunning;

    /**
     * The shared infrastructure, started on the first call (thread-safe). Every later call
     * returns the same instance; if the start failed, every later call fails at once.
     */
    public static TestInfrastructure get() {
        TestInfrastructure current = instance;
        if (current == null) {
            synchronized (TestInfrastructure.class) {
                current = instance;
                if (current == null) {
                    if (startFailure != null) { // fail fast instead of retrying a slow failure in every test
                        throw new IllegalStateException("test infrastructure failed to start earlier", startFailure);
                    }
                    try {
                        current = new TestInfrastructure();
                    } catch (RuntimeException | Error e) {
                        startFailure = e;
                        throw e;
                    }
                    instance = current;
                }
            }
        }
        return current;
    }

    private TestInfrastructure() {
        long t0 = System.nanoTime();
        quietInfrastructureLogs();
        String mode = setting("idp.test.docker", "auto").toLowerCase(Locale.ROOT);
        DockerCheck check = detectDocker(mode);
        this.docker = check.available;
        this.dockerDecision = check.reason + " in " + millisSince(t0) + " ms";
        this.postgresPort = freeFixedPort();
        this.pgDataDir = docker ? null : prepareDataDirectory();

        // start both at once: Kafka is CPU-bound JVM work, Postgres mostly waits on a child process
        long[] kafkaMs = new long[1];
        long[] pgMs = new long[1];
        CompletableFuture<String> kafka = CompletableFuture.supplyAsync(() -> {
            long t = System.nanoTime();
            String servers = docker ? startKafkaContainer() : startEmbeddedKafka();
            kafkaMs[0] = millisSince(t);
            return servers;
        });
        long tPg = System.nanoTime();
        try {
            if (docker) {
                startPostgresContainer();
            } else {
                startEmbeddedPostgres(true);
            }
            this.postgresRunning = true;
            pgMs[0] = millisSince(tPg);
            this.kafkaBootstrapServers = kafka.join();
        } catch (RuntimeException e) {
            try {
                kafka.join(); // let a half-started broker finish so that it can be stopped
            } catch (CompletionException ignored) {
                // reported below
            }
            stopQuietly();
            if (embeddedKafka != null) { // the JVM goes on running other tests: don't leak a broker
                try {
                    embeddedKafka.destroy();
                } catch (RuntimeException ignored) {
                    // best effort
                }
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("test infrastructure did not start (" + dockerDecision + ")", cause);
        }

        Runtime.getRuntime().addShutdownHook(new Thread(this::stopQuietly, "idp-test-infra-stop"));
        System.out.printf("[idp-test] infrastructure: %s; Kafka=%s (%s) in %d ms; Postgres=%s (%s) in %d ms;"
                        + " total %d ms%n",
                dockerDecision,
                docker ? "Testcontainers " + KAFKA_IMAGE : "embedded KRaft broker", kafkaBootstrapServers, kafkaMs[0],
                docker ? "Testcontainers " + POSTGRES_IMAGE : "zonky embedded PostgreSQL 17", jdbcUrl(), pgMs[0],
                millisSince(t0));
    }

    // ------------------------------------------------------------------ public API

    /** Bootstrap servers of the shared broker ({@code host:port}). */
    public String kafkaBootstrapServers() {
        return kafkaBootstrapServers;
    }

    /** JDBC URL of the {@value #DATABASE} database; stable across {@link #stopPostgres()}/{@link #startPostgres()}. */
    /** A count from the test database with one text parameter, on a connection of its own (no Spring needed). */
    public long count(String sql, String param) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), dbUser(), dbPassword());
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, param);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }

    public String jdbcUrl() {
        String host = docker ? postgresContainer.getHost() : "127.0.0.1";
        return "jdbc:postgresql://" + host + ":" + postgresPort + "/" + DATABASE;
    }

    /** Database user (a superuser). */
    public String dbUser() {
        return USER;
    }

    /** Database password (the embedded server trusts local connections, so any password works there). */
    public String dbPassword() {
        return PASSWORD;
    }

    /** Whether Testcontainers (Docker) is used instead of the in-process/embedded servers. */
    public boolean usesDocker() {
        return docker;
    }

    /** Whether Postgres is currently up (false between {@link #stopPostgres()} and {@link #startPostgres()}). */
    public synchronized boolean isPostgresRunning() {
        return postgresRunning;
    }

    /**
     * Spring properties pointing an application context at this infrastructure, for use from a
     * {@code @DynamicPropertySource} method: {@code infra.springProperties().forEach((k, v) -> registry.add(k, () -> v))}.
     */
    public Map<String, String> springProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("spring.kafka.bootstrap-servers", kafkaBootstrapServers());
        p.put("spring.datasource.url", jdbcUrl());
        p.put("spring.datasource.username", dbUser());
        p.put("spring.datasource.password", dbPassword());
        return p;
    }

    /**
     * Stops Postgres to simulate a database outage; open connections are terminated (fast
     * shutdown) and new ones are refused. The data is kept. No-op if already stopped.
     */
    public synchronized void stopPostgres() {
        if (!postgresRunning) {
            return;
        }
        if (docker) {
            postgresContainer.getDockerClient().stopContainerCmd(postgresContainer.getContainerId())
                    .withTimeout(10).exec();
        } else {
            try {
                embeddedPostgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            embeddedPostgres = null;
        }
        postgresRunning = false;
    }

    /**
     * Starts Postgres again after {@link #stopPostgres()}: same port, same data. Returns once it
     * accepts connections. No-op if it is running.
     */
    public synchronized void startPostgres() {
        if (postgresRunning) {
            return;
        }
        if (docker) {
            postgresContainer.getDockerClient().startContainerCmd(postgresContainer.getContainerId()).exec();
        } else {
            startEmbeddedPostgres(false);
        }
        awaitDatabaseReady();
        postgresRunning = true;
    }

    // ------------------------------------------------------------------ Docker detection

    private record DockerCheck(boolean available, String reason) {
    }

    private static DockerCheck detectDocker(String mode) {
        switch (mode) {
            case "false":
                return new DockerCheck(false, "idp.test.docker=false");
            case "true":
                if (!askTestcontainers()) {
                    throw new IllegalStateException("idp.test.docker=true but no Docker engine is reachable");
                }
                return new DockerCheck(true, "idp.test.docker=true");
            case "auto":
                break;
            default:
                throw new IllegalArgumentException("idp.test.docker must be true, false or auto, not " + mode);
        }
        String hint = dockerHint();
        if (hint == null) {
            // Testcontainers would take a few hundred ms and log an ERROR to say the same
            return new DockerCheck(false, "no Docker engine (no DOCKER_HOST, no docker.sock)");
        }
        boolean available = askTestcontainers();
        return new DockerCheck(available, available ? "Docker engine found (" + hint + ")"
                : "Docker hint " + hint + " but engine not reachable");
    }

    /** Cheap evidence that a Docker engine may exist, or null. */
    private static String dockerHint() {
        String dockerHost = System.getenv("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            return "DOCKER_HOST";
        }
        String home = System.getProperty("user.home", "");
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        List<String> sockets = new java.util.ArrayList<>(List.of(
                "/var/run/docker.sock",
                home + "/.docker/run/docker.sock",
                home + "/.docker/desktop/docker.sock",
                home + "/.colima/default/docker.sock",
                home + "/.rd/docker.sock"));
        if (runtimeDir != null) {
            sockets.add(runtimeDir + "/docker.sock");
            sockets.add(runtimeDir + "/podman/podman.sock");
        }
        for (String socket : sockets) {
            if (Files.exists(Path.of(socket))) {
                return socket;
            }
        }
        Path tcProperties = Path.of(home, ".testcontainers.properties");
        try {
            if (Files.isReadable(tcProperties)
                    && Files.readAllLines(tcProperties).stream().anyMatch(l -> l.trim().startsWith("docker.host"))) {
                return tcProperties.toString();
            }
        } catch (IOException ignored) {
            // unreadable: treat as no hint
        }
        return null;
    }

    private static boolean askTestcontainers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) { // any failure inside Testcontainers means "no usable engine"
            return false;
        }
    }

    // ------------------------------------------------------------------ Kafka

    private String startEmbeddedKafka() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        kafkaBrokerProperties().forEach(broker::brokerProperty);
        this.embeddedKafka = broker; // assigned first so that a failed start is still stopped
        broker.afterPropertiesSet();
        return broker.getBrokersAsString();
    }

    private String startKafkaContainer() {
        KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
        kafkaBrokerProperties().forEach((k, v) ->
                container.withEnv("KAFKA_" + k.toUpperCase(Locale.ROOT).replace('.', '_'), v));
        this.kafkaContainer = container; // assigned first so that a failed start is still stopped
        container.start();
        return container.getBootstrapServers();
    }

    /** Broker settings for fast, predictable tests: explicit topics only, instant group joins, small internal topics. */
    private static Map<String, String> kafkaBrokerProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("offsets.topic.num.partitions", "5");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        return p;
    }

    // ------------------------------------------------------------------ Postgres (embedded)

    /**
     * A fresh data directory for this JVM under target/embedded-pg/, named after the pid so
     * that parallel JVMs (forked surefire runs) don't collide. Leftovers of dead JVMs are removed.
     */
    private static Path prepareDataDirectory() {
        Path root = Path.of("target", "embedded-pg").toAbsolutePath();
        long pid = ProcessHandle.current().pid();
        try {
            Files.createDirectories(root);
            try (Stream<Path> children = Files.list(root)) {
                for (Path child : children.toList()) {
                    String name = child.getFileName().toString();
                    if (!name.startsWith("pg-")) {
                        continue;
                    }
                    long owner;
                    try {
                        owner = Long.parseLong(name.substring(3));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    if (owner == pid || ProcessHandle.of(owner).isEmpty()) {
                        deleteRecursively(child);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + root, e);
        }
        return root.resolve("pg-" + pid);
    }

    private void startEmbeddedPostgres(boolean first) {
        try {
            // cleanDataDirectory=false: zonky skips initdb when postgresql.conf exists and keeps
            // the directory on close(), which is what makes stop/start keep the data.
            embeddedPostgres = EmbeddedPostgres.builder()
                    .setPort(postgresPort)
                    .setDataDirectory(pgDataDir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(POSTGRES_READY_TIMEOUT)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("max_connections", "200")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Postgres did not start on port " + postgresPort, e);
        }
        if (first) {
            String url = "jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres";
            try (Connection c = DriverManager.getConnection(url, USER, PASSWORD);
                 Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create database " + DATABASE, e);
            }
        }
    }

    // ------------------------------------------------------------------ Postgres (Docker)

    private void startPostgresContainer() {
        PostgreSQLContainer container = new PostgreSQLContainer(POSTGRES_IMAGE)
                .withDatabaseName(DATABASE)
                .withUsername(USER)
                .withPassword(PASSWORD)
                .withCommand("postgres", "-c", "fsync=off", "-c", "full_page_writes=off",
                        "-c", "synchronous_commit=off", "-c", "max_connections=200")
                // fixed host port so that a Docker stop/start of the container keeps the JDBC URL
                .withCreateContainerCmdModifier(cmd -> {
                    HostConfig hostConfig = cmd.getHostConfig() != null ? cmd.getHostConfig() : new HostConfig();
                    cmd.withHostConfig(hostConfig.withPortBindings(new PortBinding(
                            Ports.Binding.bindPort(postgresPort), ExposedPort.tcp(5432))));
                });
        this.postgresContainer = container; // assigned first so that a failed start is still stopped
        container.start();
    }

    // ------------------------------------------------------------------ helpers

    private void awaitDatabaseReady() {
        long deadline = System.nanoTime() + POSTGRES_READY_TIMEOUT.toNanos();
        SQLException last = null;
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", PASSWORD);
        props.setProperty("connectTimeout", "2");
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(jdbcUrl(), props);
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select 1")) {
                rs.next();
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Postgres", e);
            }
        }
        throw new IllegalStateException("Postgres not ready after " + POSTGRES_READY_TIMEOUT, last);
    }

    /**
     * A free port outside the kernel's ephemeral range, chosen once: the server must come back on
     * the same port after a stop, and a port from the ephemeral range could meanwhile be taken as
     * the local port of some outgoing connection.
     */
    static int freeFixedPort() {
        int low = 15000;
        int high = 32767;
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            int ephemeralLow = Integer.parseInt(range[0]);
            if (ephemeralLow > low + 1000) {
                high = ephemeralLow - 1;
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: keep the defaults
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(low, high + 1);
            if (isFree(port)) {
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            return false;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port)); // wildcard too, for a Docker port binding
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Without a logback config, logback logs everything at DEBUG until Spring Boot initialises
     * logging: thousands of broker lines per run. Raise the infrastructure's own loggers to WARN
     * (Spring Boot later resets levels to its defaults and {@code logging.level.*}).
     * Disable with {@code -Didp.test.quiet-logs=false}.
     */
    private static void quietInfrastructureLogs() {
        if (!Boolean.parseBoolean(setting("idp.test.quiet-logs", "true"))) {
            return;
        }
        try {
            if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
                for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger", "io.zonky",
                        "org.testcontainers", "tc", "com.github.dockerjava")) {
                    context.getLogger(name).setLevel(ch.qos.logback.classic.Level.WARN);
                }
            }
        } catch (LinkageError ignored) {
            // another SLF4J backend (or none): leave its configuration alone
        }
    }

    /**
     * Run by the shutdown hook. Stops Postgres (a separate process that would otherwise outlive the
     * JVM) and the containers. The in-process Kafka broker is deliberately not destroyed: it dies
     * with the JVM, and Kafka's test kit registers its own hook that deletes the broker's temp
     * directory concurrently with ours, so destroying it here only produces KafkaStorageException
     * noise (and could race with application consumers still closing in Spring's own hook).
     */
    private synchronized void stopQuietly() {
        if (embeddedPostgres != null) {
            try {
                embeddedPostgres.close();
            } catch (Exception ignored) {
                // shutting down anyway
            }
            embeddedPostgres = null;
        }
        if (postgresContainer != null) {
            try {
                postgresContainer.stop();
            } catch (Exception ignored) {
                // Ryuk removes it anyway
            }
        }
        if (kafkaContainer != null) {
            try {
                kafkaContainer.stop();
            } catch (Exception ignored) {
                // Ryuk removes it anyway
            }
        }
        postgresRunning = false;
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

    private static String setting(String property, String defaultValue) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
