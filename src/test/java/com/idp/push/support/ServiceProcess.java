package com.idp.push.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

import tools.jackson.databind.json.JsonMapper;

/**
 * idp-push as a process of its own: the built jar ({@code target/idp-push-*.jar}, made by the package
 * phase that runs before the integration tests), pointed at the test broker and database, in a JVM with
 * a small heap. For faults a test JVM cannot inflict on itself: SIGKILL, a second instance in the group.
 *
 * <p>Every instance of one {@link Settings} shares its topics, group and sink groups, so instances can
 * replace or join each other; different settings are isolated from each other and from the shared test
 * context. Output goes to {@code target/service-<name>.log}.
 */
public final class ServiceProcess implements AutoCloseable {

    public static final String API_TOKEN = "service-process-token-0123456789";
    /** The SSRF guard's and the secret cipher's settings, for when those features are present. */
    private static final String ENCRYPTION_KEY = Base64.getEncoder().encodeToString(new byte[32]);

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param prefix names the topics ({@code <prefix>.task.completed}, {@code <prefix>.retry-1s}, …) and the groups
     * @param properties extra Spring properties, e.g. retry delays
     */
    public record Settings(String prefix, String maxHeap, Map<String, String> properties, List<String> jvmFlags) {

        /** For tests: C1 only, which starts faster and is enough for what they check. */
        public static final List<String> TEST_JVM = List.of("-XX:TieredStopAtLevel=1");
        /** As the image runs it (Dockerfile): the JVM's own JIT and collector, exit on OutOfMemoryError. */
        public static final List<String> DEPLOYED_JVM = List.of();

        public Settings(String prefix, String maxHeap, Map<String, String> properties) {
            this(prefix, maxHeap, properties, TEST_JVM);
        }

        public String inputTopic() {
            return prefix + ".task.completed";
        }

        public String dlqTopic() {
            return prefix + ".dlq";
        }

        public String retryPrefix() {
            return prefix + ".retry-";
        }
    }

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts an instance; returns at once (see {@link #awaitConsuming(Duration)}). */
    public static ServiceProcess start(Settings settings, String name) {
        TestInfrastructure infra = TestInfrastructure.get();
        int port = freePort();
        Map<String, String> p = new LinkedHashMap<>(infra.springProperties());
        p.put("server.port", Integer.toString(port));
        p.put("idp.push.api.tokens", API_TOKEN);
        p.put("idp.push.encryption.key", ENCRYPTION_KEY);
        p.put("idp.push.security.allowed-cidrs", "127.0.0.0/8,::1/128");
        p.put("idp.push.topics.input", settings.inputTopic());
        p.put("idp.push.topics.invalid", settings.prefix() + ".invalid");
        p.put("idp.push.topics.replay", settings.prefix() + ".replay");
        p.put("idp.push.topics.dlq", settings.dlqTopic());
        p.put("idp.push.topics.attempts", settings.prefix() + ".attempts");
        p.put("idp.push.topics.retry-prefix", settings.retryPrefix());
        p.put("idp.push.topics.partitions", "3");
        p.put("idp.push.engine.group-id", settings.prefix());
        p.put("idp.push.sinks.log-group-id", settings.prefix() + "-log-sink");
        p.put("idp.push.sinks.dlq-group-id", settings.prefix() + "-dlq-sink");
        p.put("idp.push.webhooks.refresh-interval", "200");
        p.put("idp.push.engine.poll-timeout", "100");
        // static group membership as the Helm chart sets it up (the pod name): a process started again under the
        // same name takes over the partitions of its killed predecessor; distinct names never share an id
        p.put("idp.push.consumer-group.instance-id", name);
        p.put("logging.level.org.apache.kafka", "WARN");
        p.put("management.endpoint.health.show-details", "always");
        p.putAll(settings.properties());

        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx" + settings.maxHeap(), "-XX:+ExitOnOutOfMemoryError"));
        command.addAll(settings.jvmFlags());
        command.addAll(List.of("-jar", jar().toString()));
        p.forEach((k, v) -> command.add("--" + k + "=" + v));
        Path log = Path.of("target", "service-" + name + ".log").toAbsolutePath();
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("IDP_PUSH_ALLOW_PRIVATE_NETWORKS", "true");
            return new ServiceProcess(builder.start(), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** Waits until the pipeline health is UP (consumer loops running on a loaded registry). */
    public void awaitConsuming(Duration timeout) {
        Awaitility.await("idp-push process " + pid() + " consuming (log: " + log + ")").atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("process exited with " + process.exitValue() + "; see " + log);
                    }
                    return "UP".equals(pipelineStatus());
                });
    }

    /** The status of the {@code pipeline} health component (UP, DOWN, …), or null when the process does not answer. */
    public String pipelineStatus() {
        String body = health();
        if (body.isEmpty()) {
            return null;
        }
        try {
            return JsonMapper.builder().build().readTree(body).path("components").path("pipeline").path("status").asString(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The body of GET /actuator/health, or an empty string when the process does not answer. */
    public String health() {
        return get("/actuator/health", false);
    }

    /** The Prometheus text of /actuator/prometheus, or an empty string. */
    public String metrics() {
        return get("/actuator/prometheus", true);
    }

    /** Sum of a Prometheus gauge's samples whose labels contain {@code labelFilter}, or -1. */
    public double metric(String name, String labelFilter) {
        String text = metrics();
        if (text.isEmpty()) {
            return -1;
        }
        return text.lines().filter(l -> l.startsWith(name + "{") && l.contains(labelFilter))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    public ApiClient api() {
        return new ApiClient(port, API_TOKEN);
    }

    /** SIGKILL: no shutdown hook, no commit, no flush. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM: a graceful shutdown (in-flight work finishes, offsets are committed). */
    public void stop() {
        process.destroy();
        waitFor();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private void waitFor() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String get(String path, boolean auth) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(3));
            if (auth) {
                request.header("Authorization", "Bearer " + API_TOKEN);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static Path jar() {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("idp-push-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/idp-push-*.jar: run the package phase first"))
                    .toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
