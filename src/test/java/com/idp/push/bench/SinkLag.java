package com.idp.push.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Samples how far the attempt-log sink's consumer group is behind the attempts topic (records produced
 * but not yet stored in push_logs and committed), on its own thread, every {@code periodMs}.
 */
final class SinkLag implements AutoCloseable {

    private final Admin admin;
    private final String group;
    private final String topic;

    SinkLag(String bootstrapServers, String group, String topic) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.group = group;
        this.topic = topic;
    }

    /** Records of the topic not yet committed by the sink's group. */
    long lag() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition p : partitions) {
                OffsetAndMetadata c = committed.get(p);
                lag += ends.get(p).offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the lag of " + group, e);
        }
    }

    /** Starts sampling; {@link Sampling#stop()} returns the samples. */
    Sampling sample(long periodMs) {
        Sampling sampling = new Sampling();
        Thread t = new Thread(() -> {
            long start = System.nanoTime();
            while (!sampling.stopped) {
                sampling.samples.add(new long[] {(System.nanoTime() - start) / 1_000_000, lag()});
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "sink-lag-sampler");
        t.setDaemon(true);
        sampling.thread = t;
        t.start();
        return sampling;
    }

    static final class Sampling {
        private final List<long[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile boolean stopped;
        private Thread thread;

        /** The samples: {ms since start, lag}. */
        List<long[]> stop() throws InterruptedException {
            stopped = true;
            thread.join(15_000);
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
