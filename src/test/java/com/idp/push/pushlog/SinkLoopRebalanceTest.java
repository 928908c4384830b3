package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

/**
 * A rebalance while the sink waits out a database outage (kafka-clients' {@link MockConsumer}, which calls the
 * rebalance listener: revoked first, then assigned). The loop must not store or commit records of a partition
 * it no longer owns, must not leave any partition paused once the outage is over, and must read the partitions
 * it was given meanwhile.
 */
class SinkLoopRebalanceTest {

    private static final String TOPIC = "attempts";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final TopicPartition P2 = new TopicPartition(TOPIC, 2);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final AtomicBoolean databaseDown = new AtomicBoolean(true);
    /** Every record the writer stored, as partition@offset, in the order stored. */
    private final List<String> stored = new CopyOnWriteArrayList<>();
    private final SinkStatus status = new SinkStatus("test", "test-sink", System::currentTimeMillis);
    private final SinkLoop loop = new SinkLoop(status, consumer, TOPIC, batch -> {
        if (databaseDown.get()) {
            throw new DataAccessResourceFailureException("database down");
        }
        batch.forEach(r -> stored.add(r.partition() + "@" + r.offset()));
    }, Retry.of("test", RetryConfig.custom().maxAttempts(1).build()), Duration.ofMillis(10));
    private final Thread thread = new Thread(loop, "sink-loop-under-test");

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        thread.join(5_000);
    }

    @Test
    void aRebalanceDuringTheOutageWaitDropsTheRevokedRecordsAndLeavesNoPartitionPaused() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0, P1));
            consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L, P2, 0L));
            consumer.addRecord(record(P0, 0));
            consumer.addRecord(record(P1, 0));
        });
        // the first store fails; this runs in the outage wait's poll: P0 goes to another member, P2 comes to us
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P1, P2));
            consumer.addRecord(record(P1, 1));
            consumer.addRecord(record(P2, 0));
        });
        consumer.schedulePollTask(() -> databaseDown.set(false));
        thread.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> stored.size() == 3);
        assertThat(stored).as("P0's record belongs to its new owner now").doesNotContain("0@0")
                .as("the pending batch first, then what follows it").startsWith("1@0").contains("1@1", "2@0");
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(P1) == 2 && committed(P2) == 1);
        assertThat(committed(P0)).as("nothing committed for a partition no longer owned").isEqualTo(-1);
        assertThat(consumer.paused()).isEmpty();
        assertThat(status.isWaiting()).isFalse();
        assertThat(status.outages()).isEqualTo(1);
        assertThat(thread.isAlive()).isTrue();
    }

    @Test
    void whenEveryPendingPartitionIsRevokedTheLoopStopsWaitingAndReadsTheNewAssignment() {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
            consumer.addRecord(record(P0, 0));
        });
        // in the outage wait: everything pending is revoked, P1 is assigned instead; the database comes back later
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P1));
            consumer.addRecord(record(P1, 0));
        });
        consumer.schedulePollTask(() -> databaseDown.set(false));
        thread.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> stored.contains("1@0"));
        assertThat(stored).containsExactly("1@0");
        await().atMost(Duration.ofSeconds(10)).until(() -> committed(P1) == 1);
        assertThat(committed(P0)).isEqualTo(-1);
        assertThat(consumer.paused()).isEmpty();
        assertThat(status.isWaiting()).isFalse();
        assertThat(status.outages()).isEqualTo(1);
    }

    private long committed(TopicPartition partition) {
        OffsetAndMetadata offset = consumer.committed(Set.of(partition)).get(partition);
        return offset == null ? -1 : offset.offset();
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset) {
        return new ConsumerRecord<>(TOPIC, partition.partition(), offset, new byte[0], new byte[] {1});
    }
}
