package com.idp.push.support;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A steady stream of task events, round-robin over the input topic's partitions, each sent to its partition
 * explicitly and with a task id that names it ({@code <prefix><n>_p<partition>}), so a receiver can tell from a
 * request alone which partition its event came from. Bounded in count and in time; {@link #close()} stops it.
 */
public final class PartitionedEventStream implements AutoCloseable {

    private final Thread thread;
    private final AtomicInteger sent = new AtomicInteger();
    private volatile boolean running = true;

    private PartitionedEventStream(String bootstrapServers, String topic, int partitions, String taskPrefix, String rule,
            int perSecond, int maxEvents, Duration maxDuration) {
        thread = new Thread(() -> {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer())) {
                long begin = System.nanoTime();
                long end = begin + maxDuration.toNanos();
                for (int i = 0; i < maxEvents && running && System.nanoTime() < end; i++) {
                    int partition = i % partitions;
                    String task = taskPrefix + i + "_p" + partition;
                    producer.send(new ProducerRecord<>(topic, partition, task, event(task, rule)));
                    sent.incrementAndGet();
                    long wait = begin + i * 1_000_000_000L / perSecond - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "partitioned-event-stream");
        thread.setDaemon(true);
    }

    /** Starts producing at once. */
    public static PartitionedEventStream start(String bootstrapServers, String topic, int partitions, String taskPrefix,
            String rule, int perSecond, int maxEvents, Duration maxDuration) {
        PartitionedEventStream stream = new PartitionedEventStream(bootstrapServers, topic, partitions, taskPrefix, rule,
                perSecond, maxEvents, maxDuration);
        stream.thread.start();
        return stream;
    }

    /** The partition a task id of this stream names, or -1 for any other id. */
    public static int partitionOf(String taskId) {
        int at = taskId.lastIndexOf("_p");
        if (at < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(taskId.substring(at + 2));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public int sent() {
        return sent.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }

    private static String event(String task, String rule) {
        return """
                {"task_id":"%s","rule_id":"%s","result_json":{"n":1},"completed_at":"2025-12-14T10:00:00Z"}"""
                .formatted(task, rule);
    }
}
