package com.idp.push.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.IntegrationTest;
import com.idp.push.support.ReceivedRequest;
import com.idp.push.support.TestInfrastructure;
import com.idp.push.support.TopicReader;

/**
 * The operations guide's recipes, run as an operator would type them (docs/operations.md), against the
 * test broker: DLQ replay with kcat, DLQ replay with the Kafka console tools, and the lag command.
 * The Kafka CLI scripts are stood in for by shell functions that run the same tool classes from
 * Maven Central, so the command lines are the documented ones.
 */
class OperationsRecipesIT extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    private PipelineTopics topics;

    @Test
    void kcatReplaysADeadLetterWithItsKey() throws Exception {
        String task = deadLetteredTask("kcat");
        shell("""
                kcat -C -b "$BROKERS" -t idp.push.dlq -o beginning -e -q -f '%k\\t%s\\n' \\
                  | grep '"task_id":"TASK"' \\
                  | kcat -P -b "$BROKERS" -t idp.push.replay -K '\\t'
                """.replace("TASK", task));
        assertReplayed(task);
    }

    @Test
    void theConsoleToolsReplayADeadLetterWithItsKey() throws Exception {
        String task = deadLetteredTask("console");
        shell("""
                kafka-console-consumer.sh --bootstrap-server "$BROKERS" --topic idp.push.dlq --from-beginning \\
                    --timeout-ms 10000 --property print.key=true --property key.separator=$'\\t' \\
                  | grep '"task_id":"TASK"' \\
                  | kafka-console-producer.sh --bootstrap-server "$BROKERS" --topic idp.push.replay \\
                    --property parse.key=true --property key.separator=$'\\t'
                """.replace("TASK", task));
        assertReplayed(task);
    }

    @Test
    void theLagCommandShowsTheServiceGroup() throws Exception {
        String rule = unique("R");
        String path = "/" + unique("lag");
        insertWebhook(unique("WH"), receiver.url(path), "s3cret-s3cret-s3cret", rule);
        String task = unique("T");
        produce(topics.input(), task, event(task, rule));
        receiver.awaitRequests(path, 1, WAIT); // the group has consumed and committed by now

        String output = shell("kafka-consumer-groups.sh --bootstrap-server \"$BROKERS\" --describe --group idp-push");

        assertThat(output).contains("GROUP").contains("LAG").contains("idp-push").contains(topics.input());
    }

    /** A task whose single delivery failed fatally once (410) and will succeed when replayed. */
    private String deadLetteredTask(String name) {
        String rule = unique("R");
        String task = unique("T");
        String path = "/" + unique(name);
        receiver.on(path).respondSequence(410, 200);
        insertWebhook(unique("WH"), receiver.url(path), "s3cret-s3cret-s3cret", rule);
        produce(topics.input(), task, event(task, rule));
        TopicReader.await(topics.dlq(), r -> task.equals(TopicReader.key(r)), 1, WAIT);
        lastPath = path;
        return task;
    }

    private String lastPath;

    private void assertReplayed(String task) {
        List<ReceivedRequest> requests = receiver.awaitRequests(lastPath, 2, WAIT);
        assertThat(requests.get(1).header("X-IDP-Task-Id")).isEqualTo(task);
        assertThat(requests.get(1).header("X-IDP-Attempt")).isEqualTo("2");
        assertThat(requests.get(1).header("X-IDP-Delivery-Id")).isEqualTo(requests.get(0).header("X-IDP-Delivery-Id"));
        assertThat(TopicReader.await(topics.replay(), r -> task.equals(TopicReader.key(r)), 1, WAIT))
                .as("the key survived the round trip").hasSize(1);
    }

    /** Runs a bash script with BROKERS set and the Kafka CLI scripts defined; fails on a non-zero exit. */
    private static String shell(String script) throws IOException, InterruptedException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String prelude = """
                set -euo pipefail
                kafka_tool() { "$JAVA" -cp "$TOOLS_CP" -Dlog4j2.level=WARN "$@"; }
                kafka-console-consumer.sh() { kafka_tool org.apache.kafka.tools.consumer.ConsoleConsumer "$@"; }
                kafka-console-producer.sh() { kafka_tool org.apache.kafka.tools.ConsoleProducer "$@"; }
                kafka-consumer-groups.sh() { kafka_tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand "$@"; }
                """;
        Path log = Files.createTempFile("recipe", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", prelude + script)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("BROKERS", TestInfrastructure.get().kafkaBootstrapServers());
        builder.environment().put("JAVA", javaBin);
        builder.environment().put("TOOLS_CP", System.getProperty("java.class.path"));
        Process process = builder.start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("recipe did not finish: " + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("recipe exit code; output:\n" + output).isZero();
        return output;
    }
}
