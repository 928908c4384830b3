package com.idp.push.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The guard as Spring runs it: registered in META-INF/spring.factories, over application.yml (whose database
 * password has no default), in a SpringApplication with an empty context (no Kafka, no Postgres needed).
 */
class SecretSettingsGuardTest {

    private static final String TOKEN = "--idp.push.api.tokens=0123456789abcdef0123456789abcdef";
    private static final String KEY = "--idp.push.encryption.key=aWRwLXB1c2gtaW50ZWdyYXRpb24tdGVzdC1rZXktMzI=";

    @Configuration(proxyBeanMethods = false)
    static class Empty {
    }

    @Test
    void startsWithChosenSecrets() {
        try (ConfigurableApplicationContext context = run(TOKEN, KEY, "--spring.datasource.password=s3cret-db")) {
            assertThat(context.isActive()).isTrue();
        }
    }

    @Test
    void refusesThePlaceholdersOfEnvExampleGivenAsEnvironmentStyleSettings() {
        assertThatThrownBy(() -> run("--IDP_PUSH_API_TOKEN=change-me-openssl-rand-hex-32", KEY,
                "--DATABASE_PASSWORD=change-me-openssl-rand-hex-16"))
                .isInstanceOfSatisfying(UnsafeSettingsException.class, e -> assertThat(e.problems()).hasSize(2)
                        .anySatisfy(p -> assertThat(p).startsWith("IDP_PUSH_API_TOKEN").contains("openssl rand -hex 32"))
                        .anySatisfy(p -> assertThat(p).startsWith("DATABASE_PASSWORD").contains("openssl rand -hex 16")));
    }

    @Test
    void refusesAPlaceholderInTheLocalProfile() {
        assertThatThrownBy(() -> run("--spring.profiles.active=local", "--idp.push.encryption.old-keys=k1,change-me-x",
                "--spring.datasource.password=postgres"))
                .isInstanceOfSatisfying(UnsafeSettingsException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("IDP_PUSH_ENCRYPTION_OLD_KEYS"));
    }

    @Test
    void refusesToStartWithoutADatabasePasswordOutsideTheLocalProfile() {
        assumeTrue(System.getenv("DATABASE_PASSWORD") == null && System.getenv("SPRING_DATASOURCE_PASSWORD") == null,
                "the environment sets a database password");
        assertThatThrownBy(() -> run(TOKEN, KEY))
                .isInstanceOfSatisfying(UnsafeSettingsException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("DATABASE_PASSWORD (spring.datasource.password) is not set"));
        try (ConfigurableApplicationContext context = run("--spring.profiles.active=local")) {
            assertThat(context.isActive()).as("the local run supplies its embedded database's password itself").isTrue();
        }
    }

    @Test
    void theFailureIsReportedAsSettingsToFixWithoutAStackTrace() {
        UnsafeSettingsException failure = new UnsafeSettingsException(java.util.List.of("A is wrong", "B is wrong"));
        FailureAnalysis analysis = new UnsafeSettingsFailureAnalyzer().analyze(new IllegalStateException(failure));
        assertThat(analysis.getDescription()).contains("  - A is wrong\n  - B is wrong");
        assertThat(analysis.getAction()).contains("Set the variables named above");
    }

    private static ConfigurableApplicationContext run(String... args) {
        SpringApplication application = new SpringApplication(Empty.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setLogStartupInfo(false);
        return application.run(args);
    }
}
