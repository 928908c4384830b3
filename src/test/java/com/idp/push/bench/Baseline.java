package com.idp.push.bench;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.idp.push.delivery.DeliveryRequest;
import com.idp.push.delivery.Exchange;
import com.idp.push.delivery.HttpSender;

/**
 * The naive consumer the engine is measured against: per partition one thread with its own consumer,
 * taking one record at a time and waiting for its POST (the same {@link HttpSender}) before the next.
 * Its throughput is partitions / latency, whatever the client can do.
 */
final class Baseline {

    private Baseline() {
    }

    /** Deliveries per second over {@code duration}, counting only 2xx answers. */
    static double run(String bootstrapServers, String topic, int partitions, HttpSender sender, URI url,
            Duration duration) throws InterruptedException {
        AtomicLong delivered = new AtomicLong();
        long deadline = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            Thread t = new Thread(() -> consume(bootstrapServers, new TopicPartition(topic, partition), sender, url,
                    deadline, delivered), "baseline-" + p);
            threads.add(t);
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        return delivered.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static void consume(String bootstrapServers, TopicPartition partition, HttpSender sender, URI url,
            long deadline, AtomicLong delivered) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (System.nanoTime() >= deadline) {
                        return;
                    }
                    String taskId = new String(record.key());
                    Exchange exchange = sender.send(request(url, taskId, record.value())).join();
                    if (exchange instanceof Exchange.Response r && r.status() / 100 == 2) {
                        delivered.incrementAndGet();
                    }
                }
            }
        }
    }

    static DeliveryRequest request(URI url, String taskId, byte[] body) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("Content-Type", "application/json");
        headers.put("X-IDP-Task-Id", taskId);
        headers.put("X-IDP-Webhook-Id", "WH_BASELINE");
        headers.put("X-IDP-Delivery-Id", "dlv_" + taskId);
        headers.put("X-IDP-Attempt", "1");
        headers.put("X-IDP-Timestamp", Long.toString(Instant.now().getEpochSecond()));
        return new DeliveryRequest(url, headers, body, Duration.ofSeconds(5));
    }
}
