package com.idp.push.ops;

import static com.idp.push.ops.Artifacts.map;
import static com.idp.push.ops.Artifacts.read;
import static com.idp.push.ops.Artifacts.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every environment variable that the deployment artifacts set (docker-compose.yml's idp-push service,
 * .env.example, the Helm chart's ConfigMap, Secret, Deployment and values) is one the application
 * reads, so a typo or a renamed setting cannot silently be ignored.
 * <p>
 * The known set is derived, not listed: the {@code ${NAME:...}} placeholders of application.yml, the
 * relaxed-binding form (Spring's environment-variable mapping) of every {@code @ConfigurationProperties}
 * property of idp-push ({@code idp.push.*}), of every Spring Boot property in the configuration
 * metadata on the classpath ({@code spring.*}, {@code server.*}, {@code management.*}, {@code logging.*}; map
 * properties accept any suffix), plus the JVM variables the container reads.
 */
class EnvironmentCrossCheckTest {

    /** Read by the JVM or by the image's entry point, not by Spring. */
    private static final Set<String> JVM_AND_CONTAINER = Set.of("JAVA_TOOL_OPTIONS", "JAVA_OPTS", "TZ");

    /** SPEC §7: each must be settable from compose and from the chart. */
    private static final List<String> SPEC_VARIABLES = List.of("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "DATABASE_USER",
            "DATABASE_PASSWORD", "PUSH_TIMEOUT", "PUSH_RETRY_MAX", "PUSH_RETRY_DELAYS", "PUSH_LOG_RETENTION_DAYS",
            "IDP_PUSH_API_TOKEN", "IDP_PUSH_ENCRYPTION_KEY", "IDP_PUSH_ALLOW_PRIVATE_NETWORKS", "SERVER_PORT");

    private static final Pattern ENV_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

    private static final Set<String> exact = new TreeSet<>();
    /** Prefixes of map-valued properties (e.g. LOGGING_LEVEL_), under which any name binds. */
    private static final Set<String> mapPrefixes = new TreeSet<>();

    @BeforeAll
    static void deriveKnownNames() throws Exception {
        exact.addAll(Artifacts.matches(Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]"),
                read("src/main/resources/application.yml")));
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        for (BeanDefinition candidate : scanner.findCandidateComponents("com.idp.push")) {
            Class<?> type = ClassUtils.forName(candidate.getBeanClassName(), null);
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
            addProperties(envName(prefix), type);
        }
        Enumeration<URL> metadata = EnvironmentCrossCheckTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json");
        JsonMapper json = JsonMapper.builder().build();
        int files = 0;
        while (metadata.hasMoreElements()) {
            files++;
            try (InputStream in = metadata.nextElement().openStream()) {
                for (JsonNode property : json.readTree(in).path("properties")) {
                    String name = envName(property.path("name").asString());
                    exact.add(name);
                    if (property.path("type").asString("").startsWith("java.util.Map")) {
                        mapPrefixes.add(name + "_");
                    }
                }
            }
        }
        assertThat(files).as("Spring Boot configuration metadata on the classpath").isPositive();
        exact.addAll(JVM_AND_CONTAINER);
    }

    @Test
    void theDerivedSetKnowsTheApplicationsOwnSettings() {
        assertThat(exact).contains("KAFKA_BOOTSTRAP_SERVERS", "PUSH_RETRY_DELAYS", "IDP_PUSH_API_TOKEN",
                "IDP_PUSH_TOPICS_PARTITIONS", "IDP_PUSH_ENGINE_CONSUMERS", "IDP_PUSH_ENGINE_GROUPID",
                "IDP_PUSH_HTTP_MAXCONNECTIONS", "IDP_PUSH_SINKS_MAXBATCH", "SPRING_PROFILES_ACTIVE",
                "SPRING_KAFKA_SECURITY_PROTOCOL", "SERVER_PORT", "MANAGEMENT_SERVER_PORT");
        assertThat(isKnown("LOGGING_LEVEL_COM_IDP_PUSH")).isTrue();
        assertThat(isKnown("IDP_PUSH_TOPICS_PARTITION")).isFalse();
        assertThat(isKnown("PUSH_RETRY_DELAY")).isFalse();
        assertThat(isKnown("KAFKA_BOOTSTRAP_SERVER")).isFalse();
    }

    @Test
    void composeSetsOnlyVariablesTheServiceReads() {
        Map<String, Object> service = map(yaml("docker-compose.yml"), "services", "idp-push");
        assertKnown("docker-compose.yml idp-push environment", map(service, "environment").keySet());
    }

    @Test
    void envExampleSetsOnlyVariablesTheServiceReads() {
        Set<String> names = envExampleNames();
        assertThat(names).hasSizeGreaterThanOrEqualTo(10);
        assertKnown(".env.example", names);
    }

    @Test
    void helmChartSetsOnlyVariablesTheServiceReads() {
        Set<String> configMap = dataKeys("configmap.yaml");
        Set<String> secret = dataKeys("secret.yaml");
        assertThat(configMap).hasSizeGreaterThanOrEqualTo(10);
        assertThat(secret).contains("IDP_PUSH_API_TOKEN", "IDP_PUSH_ENCRYPTION_KEY", "DATABASE_PASSWORD");
        assertKnown("helm configmap.yaml", configMap);
        assertKnown("helm secret.yaml", secret);
        assertKnown("helm deployment.yaml", Artifacts.matches(Pattern.compile("-\\s+name:\\s+([A-Z][A-Z0-9_]*)\\s*$",
                Pattern.MULTILINE), read("helm/idp-push/templates/deployment.yaml")));
        assertKnown("helm values.yaml extraEnv", map(yaml("helm/idp-push/values.yaml"), "extraEnv").keySet());
        assertThat(configMap).as("secrets never go in the ConfigMap")
                .noneMatch(n -> n.contains("PASSWORD") || n.contains("TOKEN") || n.contains("ENCRYPTION"));
    }

    @Test
    void everySpecVariableCanBeSetFromComposeAndFromTheChart() {
        Set<String> compose = new TreeSet<>(envExampleNames());
        compose.addAll(map(yaml("docker-compose.yml"), "services", "idp-push", "environment").keySet());
        Set<String> chart = new TreeSet<>(dataKeys("configmap.yaml"));
        chart.addAll(dataKeys("secret.yaml"));
        assertThat(compose).containsAll(SPEC_VARIABLES);
        assertThat(chart).containsAll(SPEC_VARIABLES);
    }

    // ---------------------------------------------------------------- helpers

    private static Set<String> envExampleNames() {
        Set<String> names = new TreeSet<>();
        read(".env.example").lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .forEach(l -> names.add(l.substring(0, l.indexOf('='))));
        return names;
    }

    /** Keys of the data/stringData block of a ConfigMap or Secret template (a Go template, not YAML). */
    private static Set<String> dataKeys(String template) {
        Set<String> keys = new TreeSet<>();
        boolean inData = false;
        for (String line : read("helm/idp-push/templates/" + template).lines().toList()) {
            if (line.matches("(data|stringData):\\s*")) {
                inData = true;
            } else if (inData && !line.startsWith(" ") && !line.startsWith("{{")) {
                inData = false;
            } else if (inData) {
                String key = line.strip();
                if (!key.startsWith("{{") && key.contains(":")) {
                    keys.add(key.substring(0, key.indexOf(':')));
                }
            }
        }
        return keys;
    }

    private static void assertKnown(String where, Set<String> names) {
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            if (!ENV_NAME.matcher(name).matches() || !isKnown(name)) {
                unknown.add(name);
            }
        }
        assertThat(unknown).as("variables in %s that idp-push does not read", where).isEmpty();
    }

    private static boolean isKnown(String name) {
        return exact.contains(name) || mapPrefixes.stream().anyMatch(name::startsWith);
    }

    /** Spring's mapping of a property name to an environment variable: '.' to '_', '-' removed, upper case. */
    private static String envName(String property) {
        return property.replace('.', '_').replace("-", "").toUpperCase(Locale.ROOT);
    }

    private static void addProperties(String prefix, Class<?> type) {
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                add(prefix, component.getName(), component.getType());
            }
        } else {
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    add(prefix, field.getName(), field.getType());
                }
            }
        }
    }

    private static void add(String prefix, String name, Class<?> type) {
        String env = prefix + "_" + name.toUpperCase(Locale.ROOT);
        if (type.isRecord() || (type.getName().startsWith("com.idp.push") && !type.isEnum())) {
            addProperties(env, type);
        } else {
            exact.add(env);
            if (Map.class.isAssignableFrom(type)) {
                mapPrefixes.add(env + "_");
            }
        }
    }
}
