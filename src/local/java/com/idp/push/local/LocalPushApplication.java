package com.idp.push.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import com.idp.push.PushApplication;

/**
 * {@code ./mvnw spring-boot:run -Plocal}: idp-push with everything it needs in one process, for trying
 * it out and for development. Starts a Kafka broker and PostgreSQL with their data under
 * {@code IDP_PUSH_LOCAL_DATA} (default {@code ./data}), then the service with the {@code local} profile
 * and its demo. Only built with the Maven profile {@code local}: none of this is in the production jar.
 */
public final class LocalPushApplication {

    private LocalPushApplication() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(System.getenv().getOrDefault("IDP_PUSH_LOCAL_DATA", "data")).toAbsolutePath();
        Files.createDirectories(dataDir);
        int kafkaPort = Integer.parseInt(System.getenv().getOrDefault("IDP_PUSH_LOCAL_KAFKA_PORT", "19092"));
        int postgresPort = Integer.parseInt(System.getenv().getOrDefault("IDP_PUSH_LOCAL_POSTGRES_PORT", "15432"));

        long started = System.nanoTime();
        LocalPostgres postgres = LocalPostgres.start(dataDir, postgresPort);
        LocalKafka kafka = LocalKafka.start(dataDir, kafkaPort, kafkaPort + 1);
        System.out.printf("[local] Kafka on %s, PostgreSQL on %s, data in %s (%d ms)%n", kafka.bootstrapServers(),
                postgres.jdbcUrl(), dataDir, (System.nanoTime() - started) / 1_000_000);

        Map<String, Object> infrastructure = new HashMap<>();
        infrastructure.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
        infrastructure.put("spring.datasource.url", postgres.jdbcUrl());
        infrastructure.put("spring.datasource.username", "postgres");
        infrastructure.put("spring.datasource.password", "postgres");
        infrastructure.put("idp.push.api.tokens", LocalSecrets.apiToken(dataDir));
        infrastructure.put("idp.push.encryption.key", LocalSecrets.encryptionKey(dataDir));
        SpringApplication application = new SpringApplication(PushApplication.class, DemoConfiguration.class);
        application.setAdditionalProfiles("local");
        // above application.yml, which points at localhost:9092 and :5432 by default
        application.addInitializers(context -> context.getEnvironment().getPropertySources()
                .addFirst(new MapPropertySource("idp-push-local", infrastructure)));
        ConfigurableApplicationContext context = application.run(args);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            context.close();
            kafka.close();
            try {
                postgres.close();
            } catch (Exception e) {
                System.err.println("[local] stopping PostgreSQL failed: " + e);
            }
        }, "idp-push-local-shutdown"));
    }
}
