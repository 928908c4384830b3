package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.github.resilience4j.retry.Retry;

/** A failed offset commit (broker away, group rebalanced meanwhile) must not end the sink for good. */
class SinkLoopCommitFailureTest {

    @Test
    void theLoopGoesOnAfterAFailedCommit() throws Exception {
        TopicPartition partition = new TopicPartition("attempts", 0);
        AtomicInteger commits = new AtomicInteger();
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest") {
            @Override
            public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
                if (commits.incrementAndGet() == 1) {
                    throw new CommitFailedException("the group has already rebalanced");
                }
                super.commitSync(offsets);
            }
        };
        List<Long> stored = new CopyOnWriteArrayList<>();
        SinkLoop loop = new SinkLoop(new SinkStatus("test", "test-sink", System::currentTimeMillis), consumer, "attempts",
                batch -> batch.forEach(r -> stored.add(r.offset())), Retry.ofDefaults("test"), Duration.ofMillis(10));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(partition));
            consumer.updateBeginningOffsets(Map.of(partition, 0L));
            consumer.addRecord(new ConsumerRecord<>("attempts", 0, 0, new byte[0], new byte[] {1}));
        });
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>("attempts", 0, 1, new byte[0], new byte[] {2})));
        Thread thread = new Thread(loop);
        thread.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> stored.size() == 2);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> consumer.committed(java.util.Set.of(partition)).get(partition) != null);
            assertThat(consumer.committed(java.util.Set.of(partition)).get(partition).offset()).isEqualTo(2);
            assertThat(thread.isAlive()).isTrue();
        } finally {
            loop.stop();
            thread.join(5_000);
        }
    }
}
