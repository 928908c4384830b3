package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class WorkMemoryTest {

    @Test
    void aRecordCountsTwiceFromDispatchUntilItsWorkIsDone() {
        WorkMemory work = new WorkMemory(1_000_000);
        CompletableFuture<Void> done = new CompletableFuture<>();
        RecordHandler counted = work.counting((record, lease) -> new Dispatch.Started(done));

        counted.handle(record(300_000), PartitionLease.NONE);
        assertThat(work.heldBytes()).as("its bytes and its parsed event").isEqualTo(600_000);

        done.complete(null);
        assertThat(work.heldBytes()).isZero();
        assertThat(work.peakBytes()).isEqualTo(600_000);
    }

    @Test
    void aRecordNotDueIsNotCounted() {
        WorkMemory work = new WorkMemory(1_000_000);
        work.counting((record, lease) -> new Dispatch.NotDue(java.time.Instant.now())).handle(record(1_000), PartitionLease.NONE);
        assertThat(work.heldBytes()).isZero();
    }

    @Test
    void overTheBudgetTheIntakeIsHeldUntilBackToThreeQuarters() {
        WorkMemory work = new WorkMemory(1_000);
        work.reserve(1_000);
        assertThat(work.exceeded()).as("at the budget").isFalse();
        work.reserve(1);
        assertThat(work.exceeded()).as("over it").isTrue();
        work.release(200);
        assertThat(work.exceeded()).as("below it, but above three quarters").isTrue();
        work.release(51);
        assertThat(work.exceeded()).as("at three quarters").isFalse();
    }

    @Test
    void theDefaultBudgetIsAQuarterOfTheHeapAndNeverTiny() {
        assertThat(WorkMemory.defaultBudget(256L << 20)).isEqualTo(64L << 20);
        assertThat(WorkMemory.defaultBudget(32L << 20)).isEqualTo(16L << 20);
    }

    private static ConsumerRecord<byte[], byte[]> record(int size) {
        return new ConsumerRecord<>("idp.task.completed", 0, 0, 0L, TimestampType.CREATE_TIME, 4, size, new byte[4],
                new byte[size], new RecordHeaders(), java.util.Optional.empty());
    }
}
