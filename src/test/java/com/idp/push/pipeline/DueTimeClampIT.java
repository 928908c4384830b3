package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.idp.push.config.PushProperties;
import com.idp.push.support.IntegrationTest;
import com.idp.push.support.ReceivedRequest;
import com.idp.push.support.TestInfrastructure;

/**
 * Whoever may write to a delay topic writes its {@code idp-due-at} header. A record that is not due holds
 * back every record behind it in its partition, so a header far in the future must not hold a partition
 * longer than idp-push itself could have: the record's timestamp plus the topic's delay or the Retry-After
 * cap, whichever is longer. Here: the test context's cap is 5 s (IntegrationTest), so on
 * {@code idp.push.retry-10s} (a delay topic of a delay the context does not configure, still drained) the
 * bound is the topic's 10 s; no extra property is needed to keep the test short.
 */
class DueTimeClampIT extends IntegrationTest {

    private static final long TOPIC_DELAY_MS = 10_000;
    /** Poll, resume and HTTP round trip after the due time. */
    private static final Duration SLACK = Duration.ofSeconds(5);

    @Autowired
    private PushProperties properties;

    @Test
    void aDueTimeTenYearsAheadIsHeldNoLongerThanTheTopicCouldHaveAskedForAndDoesNotHoldTheRecordBehindIt()
            throws Exception {
        String topic = properties.topics().retryPrefix() + "10s";
        awaitConsumed(topic);
        String rule = unique("R");
        String path = "/" + unique("clamp");
        String webhook = unique("WH");
        insertWebhook(webhook, receiver.url(path), "s3cret", rule);
        String key = unique("K");
        String hostile = unique("D");
        String normal = unique("D");

        RecordMetadata first;
        RecordMetadata second;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            long tenYears = Duration.ofDays(3650).toMillis();
            first = send(producer, topic, key, delivery(hostile, webhook, key, rule), System.currentTimeMillis() + tenYears);
            // as idp-push would write it for this topic: due within the topic's delay
            second = send(producer, topic, key, delivery(normal, webhook, key, rule), System.currentTimeMillis() + 1_000);
        }
        assertThat(second.partition()).isEqualTo(first.partition());
        assertThat(second.offset()).isGreaterThan(first.offset());
        Instant bound = Instant.ofEpochMilli(first.timestamp() + TOPIC_DELAY_MS);

        List<ReceivedRequest> got = receiver.awaitRequests(path, 2,
                Duration.between(Instant.now(), bound).plus(SLACK).plus(SLACK));
        ReceivedRequest clamped = byDelivery(got, hostile);
        ReceivedRequest behind = byDelivery(got, normal);
        assertThat(clamped.receivedAt()).as("the hostile record is attempted by its bound")
                .isBefore(bound.plus(SLACK))
                .as("but not before it: the clamp bounds the header, it does not ignore it")
                .isAfterOrEqualTo(bound.minusMillis(50));
        assertThat(behind.receivedAt()).as("the record behind it is not held beyond that bound").isBefore(bound.plus(SLACK));
    }

    /** Creates the topic when missing and waits until the engine's group has its partitions (pattern subscription). */
    private void awaitConsumed(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.get().kafkaBootstrapServers()))) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, properties.topics().partitions(), (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            String group = properties.engine().groupId();
            // the engine's consumers refresh their metadata every 30 s, then the group rebalances
            await("group " + group + " assigned " + topic).atMost(Duration.ofSeconds(75)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        ConsumerGroupDescription description =
                                admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                        return description.members().stream()
                                .flatMap(m -> m.assignment().topicPartitions().stream())
                                .filter(tp -> tp.topic().equals(topic)).count() == properties.topics().partitions();
                    });
        }
    }

    private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, String topic, String key, String value,
            long dueAtMs) throws Exception {
        // partition by key, as idp-push does: both records land in the same partition, the second behind the first
        return producer.send(new ProducerRecord<>(topic, null, bytes(key), bytes(value),
                List.of(new RecordHeader(PipelineHeaders.DUE_AT, bytes(Long.toString(dueAtMs))))))
                .get(30, TimeUnit.SECONDS);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.get().kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String delivery(String deliveryId, String webhook, String task, String rule) {
        return "{\"delivery_id\":\"%s\",\"webhook_id\":\"%s\",\"attempt\":2,\"retry\":1,\"event\":%s}"
                .formatted(deliveryId, webhook, event(task, rule));
    }

    private static ReceivedRequest byDelivery(List<ReceivedRequest> requests, String deliveryId) {
        return requests.stream().filter(r -> deliveryId.equals(r.header("X-IDP-Delivery-Id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no request of delivery " + deliveryId + " in " + requests));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
