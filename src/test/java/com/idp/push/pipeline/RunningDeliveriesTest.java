package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** One webhook cannot fill a partition's running budget; the budget still bounds the webhooks together. */
class RunningDeliveriesTest {

    private final InFlightLimits limits = new InFlightLimits(512, 10_000, 16L << 20);
    private final PartitionState partition = new PartitionState(new TopicPartition("t", 0), limits);

    @Test
    void aWebhookWhoseDeliveriesNeverEndHoldsAQuarterOfTheBudgetAndThePartitionStaysOpen() {
        for (int i = 0; i < 2_000; i++) { // its bulkhead's slots and as many waiters
            partition.running.started(new Dispatch.Running("hanging", new CompletableFuture<>()));
        }

        assertThat(partition.running.count()).isEqualTo(128);
        assertThat(partition.running.all()).isEqualTo(2_000);
        assertThat(limits.full(partition)).isFalse();
        assertThat(limits.drained(partition)).as("below the resume mark: room for everyone else").isTrue();
    }

    @Test
    void manyWebhooksTogetherStillFillTheBudgetAndItDrainsAsTheyEnd() {
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int webhook = 0; webhook < 10; webhook++) {
            for (int i = 0; i < 60; i++) {
                CompletableFuture<Void> delivery = new CompletableFuture<>();
                running.add(delivery);
                partition.running.started(new Dispatch.Running("w" + webhook, delivery));
            }
        }
        assertThat(partition.running.count()).isEqualTo(600);
        assertThat(limits.full(partition)).isTrue();

        running.subList(0, 300).forEach(delivery -> delivery.complete(null));

        assertThat(partition.running.count()).isEqualTo(300);
        assertThat(limits.drained(partition)).isTrue();
    }

    @Test
    void aWebhookCountsAgainWhenItsCountedDeliveriesEnd() {
        List<CompletableFuture<Void>> counted = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            CompletableFuture<Void> delivery = new CompletableFuture<>();
            counted.add(delivery);
            partition.running.started(new Dispatch.Running("w", delivery));
        }
        partition.running.started(new Dispatch.Running("w", new CompletableFuture<>()));
        assertThat(partition.running.count()).isEqualTo(128);

        counted.forEach(delivery -> delivery.complete(null));
        partition.running.started(new Dispatch.Running("w", new CompletableFuture<>()));

        assertThat(partition.running.count()).isEqualTo(1);
        assertThat(partition.running.all()).isEqualTo(2);
    }

    @Test
    void workOfNoWebhookAlwaysCounts() {
        for (int i = 0; i < 512; i++) {
            partition.running.started(new Dispatch.Running(null, new CompletableFuture<>()));
        }
        assertThat(limits.full(partition)).isTrue();
    }
}
