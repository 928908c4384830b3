package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import com.idp.push.support.IntegrationTest;
import com.idp.push.support.ReceivedRequest;
import com.idp.push.support.TestInfrastructure;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A burst to one fast, healthy endpoint, larger than its bulkhead and waiters (1,000 and 1,000) can hold
 * while the engine has 6 × 512 deliveries in flight: every delivery goes out as it comes, none is parked in
 * the first delay topic for 10 s as if the endpoint were busy. At the shipped defaults (partitions, in-flight
 * bound, bulkhead, slot wait, 30 s timeout, 10/30/90 s delays), in a context of its own with its own topics.
 */
@TestPropertySource(properties = {
        "idp.push.topics.partitions=6",
        "idp.push.http.timeout=30",
        "idp.push.retry.delays=10,30,90",
        "idp.push.topics.input=burst.task.completed",
        "idp.push.topics.invalid=burst.push.invalid",
        "idp.push.topics.replay=burst.push.replay",
        "idp.push.topics.dlq=burst.push.dlq",
        "idp.push.topics.attempts=burst.push.attempts",
        "idp.push.topics.retry-prefix=burst.push.retry-",
        "idp.push.engine.group-id=idp-push-burst",
        "idp.push.sinks.log-group-id=idp-push-burst-log-sink",
        "idp.push.sinks.dlq-group-id=idp-push-burst-dlq-sink"})
class FastEndpointBurstIT extends IntegrationTest {

    private static final int EVENTS = 8_000;

    @Autowired
    private PipelineTopics topics;
    @Autowired
    private MeterRegistry meters;

    @Test
    void aBurstToAFastEndpointBeyondItsBulkheadIsDeliveredWithoutDeferral() {
        String rule = unique("R");
        String path = "/" + unique("fast");
        receiver.on(path).respond(200);
        insertWebhook(unique("WH"), receiver.url(path), "s3cret-signing", rule);
        String prefix = unique("T");

        try (KafkaProducer<byte[], byte[]> burst = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.get().kafkaBootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            IntStream.range(0, EVENTS).forEach(i -> {
                String task = prefix + "-" + i;
                burst.send(new ProducerRecord<>(topics.input(), task.getBytes(StandardCharsets.UTF_8),
                        event(task, rule).getBytes(StandardCharsets.UTF_8)));
            });
        }

        // well under the first delay: a delivery parked in retry-10s would come back only after it
        List<ReceivedRequest> received = receiver.awaitRequests(path, EVENTS, Duration.ofSeconds(60));
        assertThat(received).extracting(r -> r.header("X-IDP-Attempt")).containsOnly("1");
        assertThat(meters.find("idp.push.deferred").counters()).as("deliveries parked as if the endpoint were busy")
                .extracting(Counter::count).allMatch(count -> count == 0);
    }
}
