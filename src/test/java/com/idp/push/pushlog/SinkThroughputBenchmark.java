package com.idp.push.pushlog;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.IntegrationTest;
import com.idp.push.support.TestInfrastructure;

/**
 * A quick measurement of the attempt-log sink: rows per second from the attempts topic into push_logs on
 * this machine's embedded Kafka and Postgres. Not part of the default build (the name matches neither
 * *Test nor *IT); run it with {@code ./mvnw verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=SinkThroughputBenchmark}.
 */
class SinkThroughputBenchmark extends IntegrationTest {

    private static final int ROWS = Integer.getInteger("bench.rows", 50_000);

    @Autowired
    private PipelineTopics topics;

    @Test
    void attemptLogSinkRowsPerSecond() throws Exception {
        String task = unique("BENCH");
        String body = "{\"event\":\"task.completed\",\"result_json\":{\"text\":\"" + "x".repeat(900) + "\"}}";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.get().kafkaBootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new StringSerializer(), new StringSerializer())) {
            long produceStart = System.nanoTime();
            for (int i = 0; i < ROWS; i++) {
                producer.send(new ProducerRecord<>(topics.attempts(), task, attempt(task, i, body)));
            }
            producer.flush();
            long produced = System.nanoTime();
            await().atMost(5, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(100)).until(() ->
                    jdbc.sql("select count(*) from push_logs where task_id = ?").param(task).query(Long.class).single() == ROWS);
            long stored = System.nanoTime();
            double seconds = (stored - produceStart) / 1e9;
            System.out.printf("%nSINK BENCHMARK: %d rows (~1.4 KB each) produced in %.2f s, all in push_logs after %.2f s: %.0f rows/s%n%n",
                    ROWS, (produced - produceStart) / 1e9, seconds, ROWS / seconds);
        }
    }

    private static String attempt(String task, int i, String body) {
        return """
                {"attempt_id":"%s:%d","task_id":"%s","webhook_id":"WH_BENCH","delivery_id":"dlv_bench_%d","retry_count":0,
                 "http_status":200,"request_url":"https://hooks.example/in","request_headers":{"X-IDP-Attempt":"1","X-IDP-Signature":"***"},
                 "request_body_json":%s,"response_headers":{"content-type":"application/json"},"response_body":"{\\"ok\\":true}",
                 "duration_ms":12,"success":true,"outcome":"delivered","error_message":null,"stage":"intake",
                 "created_at":"2026-01-01T00:00:00Z"}""".formatted(task, i, task, i, body);
    }
}
