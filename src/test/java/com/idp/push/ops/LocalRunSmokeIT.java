package com.idp.push.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.idp.push.support.ApiClient;

import tools.jackson.databind.JsonNode;

/**
 * Starts the local run exactly as the README says ({@code ./mvnw spring-boot:run -Plocal}, in a copy of
 * the project so this build's own target folder is left alone) and goes through the README's walkthrough:
 * a demo event, a success, a retried success and a dead letter; the failing webhook pointed at the
 * working receiver; the dead letter re-pushed and delivered.
 */
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class LocalRunSmokeIT {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static Path copy;
    private static Process run;
    private static Path output;
    private static int port;

    @BeforeAll
    static void startTheLocalRun() throws IOException {
        copy = Files.createTempDirectory("idp-push-local-run");
        for (String entry : List.of("pom.xml", "mvnw", ".mvn", "src/main", "src/local")) {
            copyTree(PROJECT.resolve(entry), copy.resolve(entry));
        }
        port = freePort();
        int kafkaPort = freePort();
        output = copy.resolve("run.log");
        ProcessBuilder builder = new ProcessBuilder("./mvnw", "-q", "spring-boot:run", "-Plocal")
                .directory(copy.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.put("SERVER_PORT", String.valueOf(port));
        env.put("IDP_PUSH_LOCAL_KAFKA_PORT", String.valueOf(kafkaPort));
        env.put("IDP_PUSH_LOCAL_POSTGRES_PORT", String.valueOf(freePort()));
        env.put("MAVEN_ARGS", "--batch-mode --no-transfer-progress");
        run = builder.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (run != null) {
            run.descendants().forEach(ProcessHandle::destroy);
            run.destroy();
            run.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
            run.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        if (copy != null) {
            try (Stream<Path> files = Files.walk(copy)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theReadmeWalkthroughShowsASuccessARetryADeadLetterAndARePush() {
        await("the local run to be healthy (log: " + output + ")").atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1))
                .failFast("the local run exited", () -> !run.isAlive())
                .until(() -> healthy());
        String log = read(output);
        assertThat(log).contains("/swagger-ui.html").contains("/console/").contains("token: ");
        String token = read(copy.resolve("data/api-token")).trim();
        assertThat(log).contains(token);
        ApiClient api = new ApiClient(port, token);

        String task = api.post("/api/v1/demo/events?count=1", null).json().path("task_ids").get(0).asString();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                Map.of("WH_DEMO_OK", "delivered", "WH_DEMO_FLAKY", "delivered", "WH_DEMO_DOWN", "dead").equals(status(api, task)));
        JsonNode logs = api.get("/api/v1/tasks/" + task + "/push-logs").json().path("logs");
        assertThat(logs.size()).as("1 ok + 3 flaky + 4 down attempts + 1 dead-letter marker").isEqualTo(9);
        assertThat(api.get("/api/v1/dlq?task_id=" + task).json().path("dead_letters")).hasSize(1);

        ApiClient.Response fixed = api.put("/api/v1/webhooks/WH_DEMO_DOWN", """
                {"url":"http://localhost:%d/demo/receiver/ok","rule_ids":["RULE_DEMO"],"auth_type":"bearer",
                 "auth_config":{"token":"demo-token-down"}}""".formatted(port));
        assertThat(fixed.status()).as(fixed.body()).isEqualTo(200);
        ApiClient.Response repushed = api.post("/api/v1/tasks/" + task + "/retry-push?webhook_id=WH_DEMO_DOWN", null);
        assertThat(repushed.status()).as(repushed.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> "delivered".equals(status(api, task).get("WH_DEMO_DOWN")));
    }

    private static boolean healthy() {
        try {
            return new ApiClient(port, null).get("/actuator/health").status() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Map<String, String> status(ApiClient api, String task) {
        Map<String, String> byWebhook = new java.util.TreeMap<>();
        api.get("/api/v1/tasks/" + task + "/push-status").json().path("webhooks")
                .forEach(w -> byWebhook.put(w.path("webhook_id").asString(), w.path("status").asString()));
        return byWebhook;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
