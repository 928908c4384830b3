package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void nothingToCommitBeforeTheFirstRecord() {
        assertThat(tracker.safeOffset()).isEqualTo(-1);
    }

    @Test
    void commitsOnlyBelowTheFirstRecordNotYetDurable() {
        OffsetTracker.Entry first = tracker.dispatched(10, 10);
        OffsetTracker.Entry second = tracker.dispatched(11, 10);
        OffsetTracker.Entry third = tracker.dispatched(12, 10);
        assertThat(tracker.safeOffset()).isEqualTo(10);

        tracker.completed(third);
        tracker.completed(second);
        assertThat(tracker.safeOffset()).as("10 still running holds back 11 and 12").isEqualTo(10);
        assertThat(tracker.size()).isEqualTo(3);
        assertThat(tracker.running()).isEqualTo(1);

        tracker.completed(first);
        assertThat(tracker.safeOffset()).isEqualTo(13);
        assertThat(tracker.size()).isZero();
    }

    @Test
    void gapsInOffsetsAreCommittedPast() {
        tracker.completed(tracker.dispatched(5, 10));
        OffsetTracker.Entry afterGap = tracker.dispatched(9, 10);
        assertThat(tracker.safeOffset()).isEqualTo(9);
        tracker.completed(afterGap);
        assertThat(tracker.safeOffset()).isEqualTo(10);
    }

    @Test
    void aFailedRecordHoldsTheCommitUntilItsRetrySucceeds() {
        OffsetTracker.Entry failed = tracker.dispatched(20, 10);
        OffsetTracker.Entry later = tracker.dispatched(21, 10);
        tracker.failed(failed);
        tracker.completed(later);
        assertThat(tracker.safeOffset()).isEqualTo(20);
        assertThat(tracker.running()).isZero();

        tracker.retrying(failed);
        assertThat(tracker.running()).isEqualTo(1);
        assertThat(tracker.runningBytes()).isEqualTo(10);
        tracker.completed(failed);
        assertThat(tracker.safeOffset()).as("the later record was durable already: not dispatched again").isEqualTo(22);
        assertThat(tracker.size()).isZero();
    }

    @Test
    void aLateCompletionAfterFailureChangesNothing() {
        OffsetTracker.Entry entry = tracker.dispatched(1, 10);
        tracker.failed(entry);
        tracker.completed(entry);
        assertThat(tracker.safeOffset()).isEqualTo(1);
        assertThat(tracker.running()).isZero();
    }

    @Test
    void countsTheBytesOfRunningRecordsOnly() {
        OffsetTracker.Entry big = tracker.dispatched(1, 1000);
        OffsetTracker.Entry small = tracker.dispatched(2, 10);
        assertThat(tracker.runningBytes()).isEqualTo(1010);
        tracker.completed(small);
        assertThat(tracker.runningBytes()).as("a finished record no longer holds memory, even uncommitted").isEqualTo(1000);
        tracker.failed(big);
        assertThat(tracker.runningBytes()).isZero();
    }
}
