package com.idp.push.ops;

import static com.idp.push.ops.Artifacts.json;
import static com.idp.push.ops.Artifacts.list;
import static com.idp.push.ops.Artifacts.map;
import static com.idp.push.ops.Artifacts.read;
import static com.idp.push.ops.Artifacts.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import com.idp.push.config.PushProperties;
import com.idp.push.pipeline.PipelineTopics;

/**
 * The deployment artifacts, checked without Docker or Helm: the Dockerfile, docker-compose.yml, the Helm
 * chart (values against their schema, template references against the values), and the monitoring
 * files. Names (topics, consumer group, port, UID) are checked against the application's own defaults.
 */
class DeploymentArtifactsTest {

    private static final PushProperties DEFAULTS =
            new Binder(new MapConfigurationPropertySource(Map.of())).bindOrCreate("idp.push", PushProperties.class);
    private static final PipelineTopics TOPICS = PipelineTopics.of(DEFAULTS);

    // ---------------------------------------------------------------- Dockerfile

    @Test
    void dockerfileBuildsWithTheWrapperAndRunsAsAFixedNonRootUser() {
        String dockerfile = read("Dockerfile");
        List<String> from = lines(dockerfile, "FROM ");
        assertThat(from).hasSize(2);
        assertThat(from.get(0)).matches("FROM eclipse-temurin:(17|21)-jdk AS build");
        assertThat(from.get(1)).matches("FROM eclipse-temurin:(17|21)-jre AS run");
        // the dependency layer comes before the sources
        assertThat(dockerfile.indexOf("dependency:go-offline")).isPositive()
                .isLessThan(dockerfile.indexOf("COPY src/main/"));
        assertThat(dockerfile).contains("./mvnw -q -B -DskipTests package")
                .contains("java -Djarmode=tools -jar /build/app.jar extract --layers --launcher");

        List<String> users = lines(dockerfile, "USER ");
        assertThat(users).isNotEmpty();
        String user = users.get(users.size() - 1);
        assertThat(user).isEqualTo("USER 10001:10001");
        assertThat(dockerfile.indexOf(user)).as("USER is set in the run stage")
                .isGreaterThan(dockerfile.indexOf(from.get(1)));
        assertThat(dockerfile).contains("useradd --system --uid 10001");

        assertThat(dockerfile).contains("-XX:MaxRAMPercentage=75").contains("-XX:+ExitOnOutOfMemoryError")
                .contains("org.springframework.boot.loader.launch.JarLauncher")
                .contains("exec java"); // java is PID 1 and gets SIGTERM
        assertThat(lines(dockerfile, "HEALTHCHECK")).hasSize(1);
        assertThat(dockerfile).contains("curl -fsS -o /dev/null \"http://127.0.0.1:${SERVER_PORT}/actuator/health/liveness\"")
                .contains("install -y --no-install-recommends curl");
    }

    @Test
    void dockerBuildContextHoldsWhatTheDockerfileCopies() {
        List<String> ignore = read(".dockerignore").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignore.get(0)).isEqualTo("*");
        for (String copied : List.of("mvnw", ".mvn/", "pom.xml", "src/main/")) {
            assertThat(read("Dockerfile")).contains("COPY " + copied);
            assertThat(ignore).contains("!" + copied);
            assertThat(Files.exists(Artifacts.ROOT.resolve(copied))).as(copied).isTrue();
        }
    }

    // ---------------------------------------------------------------- docker compose

    @Test
    void composeRunsKafkaPostgresTopicsAndTheServiceInOrder() {
        Map<String, Object> services = map(yaml("docker-compose.yml"), "services");
        assertThat(services).containsOnlyKeys("kafka", "postgres", "kafka-topics", "idp-push");

        Map<String, Object> kafka = map(services, "kafka");
        assertThat(kafka.get("image").toString()).startsWith("apache/kafka:");
        Map<String, Object> kafkaEnv = map(kafka, "environment");
        assertThat(kafkaEnv).containsKeys("KAFKA_NODE_ID", "CLUSTER_ID", "KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS",
                "KAFKA_CONTROLLER_QUORUM_VOTERS", "KAFKA_CONTROLLER_LISTENER_NAMES");
        assertThat(kafkaEnv.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
        assertThat(kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS").toString())
                .contains("kafka:19092").contains("localhost:9092");
        assertThat(healthcheck(kafka)).contains("/opt/kafka/bin/kafka-broker-api-versions.sh");

        Map<String, Object> postgres = map(services, "postgres");
        assertThat(postgres.get("image")).isEqualTo("postgres:17");
        assertThat(healthcheck(postgres)).contains("pg_isready");

        Map<String, Object> app = map(services, "idp-push");
        assertThat(app.get("build")).isEqualTo(".");
        assertThat(app.get("env_file")).isEqualTo(".env");
        Map<String, Object> dependsOn = map(app, "depends_on");
        assertThat(map(dependsOn, "kafka").get("condition")).isEqualTo("service_healthy");
        assertThat(map(dependsOn, "postgres").get("condition")).isEqualTo("service_healthy");
        assertThat(map(dependsOn, "kafka-topics").get("condition")).isEqualTo("service_completed_successfully");
        assertThat(healthcheck(app)).contains("/actuator/health/liveness");
        Map<String, Object> env = map(app, "environment");
        assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("kafka:19092");
        assertThat(env.get("DATABASE_URL").toString()).startsWith("jdbc:postgresql://postgres:5432/");

        Map<String, Object> topicsJob = map(services, "kafka-topics");
        assertThat(map(topicsJob, "depends_on", "kafka").get("condition")).isEqualTo("service_healthy");
    }

    /**
     * Compose's Kafka and Postgres have no authentication and the API is not meant to face a network by
     * accident: every published port is bound to 127.0.0.1 (short syntax {@code "127.0.0.1:8080:8080"}, or
     * {@code host_ip} in the long syntax). A bare {@code "8080:8080"} would listen on every interface.
     */
    @Test
    void composePublishesEveryPortOnLoopbackOnly() {
        Map<String, Object> services = map(yaml("docker-compose.yml"), "services");
        List<String> published = new ArrayList<>();
        services.forEach((name, service) -> {
            List<Object> ports = list(service, "ports");
            for (Object port : ports == null ? List.of() : ports) {
                String hostIp = port instanceof Map<?, ?> longSyntax ? String.valueOf(longSyntax.get("host_ip"))
                        : port.toString().split(":").length == 3 ? port.toString().split(":")[0] : "";
                assertThat(hostIp).as("%s publishes %s", name, port).isEqualTo("127.0.0.1");
                published.add(name);
            }
        });
        assertThat(published).as("services with published ports").contains("kafka", "postgres", "idp-push");
        assertThat(read("docker-compose.yml")).as("the file says how to expose a port deliberately")
                .contains("To expose a port deliberately");
    }

    @Test
    void composeCreatesEveryTopicTheServiceUses() {
        String script = String.valueOf(list(map(yaml("docker-compose.yml"), "services", "kafka-topics"), "command").get(0));
        assertThat(script).contains("kafka-topics.sh").contains("--create --if-not-exists")
                .contains("--partitions ${IDP_PUSH_TOPICS_PARTITIONS:-" + DEFAULTS.topics().partitions() + "}")
                .contains("max.message.bytes=" + DEFAULTS.topics().maxMessageBytes());
        for (String topic : allTopics()) {
            assertThat(script).as("topic " + topic).containsPattern("(?<![\\w.-])" + Pattern.quote(topic) + "(?![\\w.-])");
        }
    }

    /** docs/security.md's ACLs use the application's own names, and the README links it. */
    @Test
    void securityGuideGivesAclsForEveryTopicUnderTheApplicationsNames() {
        String guide = read("docs/security.md");
        assertThat(guide).contains("--allow-principal User:idp-push --operation Write \\\n  --topic "
                        + DEFAULTS.topics().retryPrefix() + " --resource-pattern-type prefixed")
                .contains("--allow-principal User:ocr-pipeline --operation Write --topic " + TOPICS.input())
                .contains("--allow-principal User:idp-ops --operation Write --topic " + TOPICS.replay())
                .contains("--group " + DEFAULTS.engine().groupId() + " --resource-pattern-type prefixed");
        for (String topic : allTopics()) {
            if (!TOPICS.isDelayTopic(topic)) {
                assertThat(guide).as("topic " + topic).contains("`" + topic + "`");
            }
        }
        assertThat(read("README.md")).contains("(docs/security.md)");
    }

    // ---------------------------------------------------------------- Helm chart

    @Test
    void chartIsAHelm3ApplicationChart() {
        Map<String, Object> chart = yaml("helm/idp-push/Chart.yaml");
        assertThat(chart.get("apiVersion")).isEqualTo("v2");
        assertThat(chart.get("name")).isEqualTo("idp-push");
        assertThat(chart.get("type")).isEqualTo("application");
        assertThat(chart.get("version").toString()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(chart.get("appVersion")).isNotNull();
        assertThat(Files.isRegularFile(Artifacts.CHART.resolve("templates/NOTES.txt"))).isTrue();
    }

    @Test
    void everyValueIsDocumented() {
        List<String> lines = read("helm/idp-push/values.yaml").lines().toList();
        List<String> undocumented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.matches("[A-Za-z][\\w]*:.*") && !commentAbove(lines, i)) {
                // a top-level block without its own comment must document each of its keys
                for (int j = i + 1; j < lines.size() && (lines.get(j).startsWith(" ") || lines.get(j).isBlank()); j++) {
                    if (lines.get(j).matches(" {2}[A-Za-z][\\w]*:.*") && !commentAbove(lines, j)) {
                        undocumented.add(line.split(":")[0] + "." + lines.get(j).strip().split(":")[0]);
                    }
                }
            }
        }
        assertThat(undocumented).isEmpty();
    }

    @Test
    void valuesMatchTheirSchema() {
        Map<String, Object> values = yaml("helm/idp-push/values.yaml");
        Map<String, Object> schema = json("helm/idp-push/values.schema.json");
        List<String> errors = new ArrayList<>();
        new MiniSchema(schema).validate(values, schema, "", errors);
        assertThat(errors).isEmpty();
        assertThat(map(schema, "properties").keySet()).as("schema and values declare the same keys")
                .containsExactlyInAnyOrderElementsOf(values.keySet());

        // the schema rejects what it should
        List<String> bad = new ArrayList<>();
        Map<String, Object> broken = new java.util.LinkedHashMap<>(values);
        broken.put("replicaCount", "two");
        broken.put("push", Map.of("retryDelays", "10s,30s"));
        broken.put("extraEnv", Map.of("lower_case", "x"));
        new MiniSchema(schema).validate(broken, schema, "", bad);
        assertThat(bad).hasSize(3);
    }

    @Test
    void templatesOnlyReferenceValuesThatExist() {
        Map<String, Object> values = yaml("helm/idp-push/values.yaml");
        Pattern reference = Pattern.compile("\\$?\\.Values\\.([A-Za-z0-9_.]+)");
        List<String> missing = new ArrayList<>();
        for (String template : templates()) {
            for (String path : Artifacts.matches(reference, read("helm/idp-push/templates/" + template))) {
                Object node = values;
                for (String key : path.split("\\.")) {
                    node = node instanceof Map<?, ?> m && m.containsKey(key) ? m.get(key) : null;
                }
                if (node == null && !hasKey(values, path)) {
                    missing.add(template + ": .Values." + path);
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void templateActionsAreBalanced() {
        Pattern opener = Pattern.compile("\\{\\{-?\\s*(if|range|with|define)\\b");
        Pattern end = Pattern.compile("\\{\\{-?\\s*end\\s*-?}}");
        for (String template : templates()) {
            String text = read("helm/idp-push/templates/" + template);
            assertThat(count(text, "{{")).as(template + " {{ vs }}").isEqualTo(count(text, "}}"));
            assertThat(count(text, opener)).as(template + " blocks vs end").isEqualTo(count(text, end));
        }
    }

    @Test
    void deploymentProbesRunsNonRootReadOnlyAndRollsOnConfigChanges() {
        String deployment = read("helm/idp-push/templates/deployment.yaml");
        assertThat(deployment).contains("path: /actuator/health/liveness").contains("path: /actuator/health/readiness")
                .contains("checksum/config:").contains("checksum/secret:")
                .contains("- configMapRef:").contains("- secretRef:")
                .contains("name: {{ include \"idp-push.secretName\" . }}")
                .contains("mountPath: /tmp").contains("emptyDir:")
                .contains("{{- if not .Values.keda.enabled }}\n  replicas:");
        Map<String, Object> values = yaml("helm/idp-push/values.yaml");
        assertThat(map(values, "securityContext")).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false).containsEntry("runAsNonRoot", true);
        assertThat(map(values, "podSecurityContext")).containsEntry("runAsUser", 10001).containsEntry("runAsNonRoot", true);
        assertThat(read("Dockerfile")).contains("USER " + map(values, "podSecurityContext").get("runAsUser"));

        String secret = read("helm/idp-push/templates/secret.yaml");
        assertThat(secret).startsWith("{{- if not .Values.secrets.existingSecret }}");
        assertThat(read("helm/idp-push/templates/_helpers.tpl"))
                .contains("{{- if .Values.secrets.existingSecret -}}\n{{- .Values.secrets.existingSecret -}}");
    }

    @Test
    void chartDefaultsMatchTheApplication() {
        Map<String, Object> values = yaml("helm/idp-push/values.yaml");
        assertThat(map(values, "kafka").get("consumerGroup")).isEqualTo(DEFAULTS.engine().groupId());
        assertThat(map(values, "kafka").get("partitions")).isEqualTo(DEFAULTS.topics().partitions());
        assertThat(map(values, "push").get("retryDelays")).isEqualTo(DEFAULTS.retry().delays().stream()
                .map(d -> Long.toString(d.toSeconds())).collect(Collectors.joining(",")));
        assertThat(map(values, "push").get("retryMax")).isEqualTo(DEFAULTS.retry().max());
        assertThat(map(values, "push").get("timeoutSeconds")).isEqualTo((int) DEFAULTS.http().timeout().toSeconds());
        assertThat(map(values, "topics").get("maxMessageBytes")).isEqualTo(DEFAULTS.topics().maxMessageBytes());
        assertThat(map(values, "keda").get("maxReplicaCount")).isEqualTo(map(values, "kafka").get("partitions"));

        String topicsJob = read("helm/idp-push/templates/topics-job.yaml");
        assertThat(topicsJob).contains("\"helm.sh/hook\": pre-install,pre-upgrade")
                .contains("--create --if-not-exists").contains("idp.push.retry-{{ trim . }}s")
                .contains("--partitions {{ .Values.kafka.partitions }}")
                // Helm reads numbers as float64: without int64 8388608 would render as 8.388608e+06
                .contains("max.message.bytes={{ .Values.topics.maxMessageBytes | int64 }}");
        for (String topic : allTopics()) {
            if (!TOPICS.isDelayTopic(topic)) {
                assertThat(topicsJob).contains(topic);
            }
        }
    }

    @Test
    void kedaScalesOnTheServiceGroupsLagAndNeverBeyondThePartitions() {
        String scaled = read("helm/idp-push/templates/scaledobject.yaml");
        assertThat(scaled).startsWith("{{- if .Values.keda.enabled }}")
                .contains("kind: ScaledObject").contains("type: kafka")
                .contains("consumerGroup: {{ .Values.kafka.consumerGroup | quote }}")
                .contains("topic: " + TOPICS.input())
                .contains("maxReplicaCount: {{ include \"idp-push.maxReplicas\" . }}");
        assertThat(read("helm/idp-push/templates/_helpers.tpl"))
                .contains("min (int .Values.keda.maxReplicaCount) (int .Values.kafka.partitions)");
        assertThat(read("helm/idp-push/templates/servicemonitor.yaml")).startsWith("{{- if .Values.serviceMonitor.enabled }}")
                .contains("path: /actuator/prometheus");
        assertThat(read("helm/idp-push/templates/pdb.yaml")).contains("kind: PodDisruptionBudget");
    }

    // ---------------------------------------------------------------- monitoring

    @Test
    void alertRulesAreWellFormedAndCoverTheOperationalRisks() {
        List<String> names = new ArrayList<>();
        for (Object group : list(yaml("docs/monitoring/alerts.yml"), "groups")) {
            assertThat(((Map<?, ?>) group).get("name")).isNotNull();
            for (Object rule : list(group, "rules")) {
                Map<?, ?> r = (Map<?, ?>) rule;
                assertThat(r.get("alert")).as("rule %s", r).isNotNull();
                assertThat(r.get("expr")).as("rule %s", r).isNotNull();
                assertThat(map(r, "labels").get("severity")).as("severity of %s", r.get("alert")).isIn("warning", "critical");
                assertThat(map(r, "annotations")).as("annotations of %s", r.get("alert")).containsKeys("summary", "description");
                names.add(r.get("alert").toString());
            }
        }
        assertThat(names).contains("IdpPushConsumerLagHigh", "IdpPushDeadLettersGrowing", "IdpPushSuccessRateLow",
                "IdpPushInvalidEvents");
        assertThat(String.join("\n", Artifacts.monitoringExpressions()))
                .contains("idp_push_attempts_total{").contains("idp_push_dead_letters_total")
                .contains("idp_push_invalid_records_total").contains("kafka_consumer_fetch_manager_records_lag");
    }

    @Test
    void dashboardIsGrafanaJsonWithAQueryPerPanel() {
        Map<String, Object> dashboard = json("docs/monitoring/grafana-dashboard.json");
        assertThat(dashboard).containsKeys("title", "uid", "panels", "schemaVersion");
        List<Object> panels = list(dashboard, "panels");
        assertThat(panels).hasSizeGreaterThanOrEqualTo(6);
        Set<Object> ids = new LinkedHashSet<>();
        for (Object panel : panels) {
            Map<?, ?> p = (Map<?, ?>) panel;
            assertThat(ids.add(p.get("id"))).as("unique panel id %s", p.get("id")).isTrue();
            assertThat(p.get("title")).isNotNull();
            assertThat(p.get("gridPos")).isNotNull();
            List<Object> targets = list(p, "targets");
            assertThat(targets).as("targets of %s", p.get("title")).isNotEmpty();
        }
        assertThat(Artifacts.monitoringExpressions()).allSatisfy(e -> assertThat(e).isNotBlank().isNotEqualTo("null"));
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> allTopics() {
        return Stream.concat(Stream.of(TOPICS.input()), TOPICS.ownTopics().stream()).toList();
    }

    private static List<String> templates() {
        try (Stream<java.nio.file.Path> files = Files.list(Artifacts.CHART.resolve("templates"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).contains("_helpers.tpl", "deployment.yaml", "configmap.yaml", "secret.yaml", "service.yaml",
                    "pdb.yaml", "servicemonitor.yaml", "scaledobject.yaml", "topics-job.yaml", "NOTES.txt");
            return names;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> lines(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).map(String::strip).toList();
    }

    private static String healthcheck(Map<String, Object> service) {
        return String.valueOf(map(service, "healthcheck").get("test"));
    }

    private static boolean commentAbove(List<String> lines, int index) {
        return index > 0 && lines.get(index - 1).strip().startsWith("#");
    }

    private static boolean hasKey(Map<String, Object> values, String path) {
        Object node = values;
        for (String key : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> m) || !m.containsKey(key)) {
                return false;
            }
            node = m.get(key);
        }
        return true;
    }

    private static int count(String text, String token) {
        int n = 0;
        for (int i = text.indexOf(token); i >= 0; i = text.indexOf(token, i + token.length())) {
            n++;
        }
        return n;
    }

    private static int count(String text, Pattern pattern) {
        return (int) pattern.matcher(text).results().count();
    }

    /** The subset of JSON Schema draft-07 that values.schema.json uses. */
    private record MiniSchema(Map<String, Object> root) {

        @SuppressWarnings("unchecked")
        void validate(Object value, Map<String, Object> schema, String path, List<String> errors) {
            if (schema.containsKey("$ref")) {
                String ref = schema.get("$ref").toString().substring("#/definitions/".length());
                validate(value, map(root, "definitions", ref), path, errors);
                return;
            }
            if (schema.containsKey("type") && !typeMatches(value, schema.get("type"))) {
                errors.add(path + ": " + value + " is not " + schema.get("type"));
                return;
            }
            if (schema.containsKey("enum") && !((List<Object>) schema.get("enum")).contains(value)) {
                errors.add(path + ": " + value + " not in " + schema.get("enum"));
            }
            if (schema.containsKey("minimum") && value instanceof Number n
                    && n.doubleValue() < ((Number) schema.get("minimum")).doubleValue()) {
                errors.add(path + ": " + value + " < " + schema.get("minimum"));
            }
            if (schema.containsKey("maximum") && value instanceof Number n
                    && n.doubleValue() > ((Number) schema.get("maximum")).doubleValue()) {
                errors.add(path + ": " + value + " > " + schema.get("maximum"));
            }
            if (schema.containsKey("minLength") && value instanceof String s
                    && s.length() < ((Number) schema.get("minLength")).intValue()) {
                errors.add(path + ": too short");
            }
            if (schema.containsKey("pattern") && value instanceof String s
                    && !Pattern.compile(schema.get("pattern").toString()).matcher(s).find()) {
                errors.add(path + ": '" + s + "' does not match " + schema.get("pattern"));
            }
            if (value instanceof Map<?, ?> object) {
                for (Object required : (List<Object>) schema.getOrDefault("required", List.of())) {
                    if (!object.containsKey(required)) {
                        errors.add(path + ": missing " + required);
                    }
                }
                Map<String, Object> properties = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
                for (Map.Entry<?, ?> entry : object.entrySet()) {
                    String key = entry.getKey().toString();
                    if (schema.containsKey("propertyNames")) {
                        validate(key, (Map<String, Object>) schema.get("propertyNames"), path + "/" + key + "(name)", errors);
                    }
                    if (properties.containsKey(key)) {
                        validate(entry.getValue(), (Map<String, Object>) properties.get(key), path + "/" + key, errors);
                    } else if (schema.get("additionalProperties") instanceof Map<?, ?> additional) {
                        validate(entry.getValue(), (Map<String, Object>) additional, path + "/" + key, errors);
                    }
                }
            }
        }

        private static boolean typeMatches(Object value, Object type) {
            if (type instanceof List<?> types) {
                return types.stream().anyMatch(t -> typeMatches(value, t));
            }
            return switch (type.toString()) {
                case "object" -> value instanceof Map;
                case "array" -> value instanceof List;
                case "string" -> value instanceof String;
                case "integer" -> value instanceof Integer || value instanceof Long;
                case "number" -> value instanceof Number;
                case "boolean" -> value instanceof Boolean;
                default -> false;
            };
        }
    }
}
