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
        OffsetTracker.Entry first = tracker.dispatched(10);
        OffsetTracker.Entry second = tracker.dispatched(11);
        OffsetTracker.Entry third = tracker.dispatched(12);
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
        tracker.completed(tracker.dispatched(5));
        OffsetTracker.Entry afterGap = tracker.dispatched(9);
        assertThat(tracker.safeOffset()).isEqualTo(9);
        tracker.completed(afterGap);
        assertThat(tracker.safeOffset()).isEqualTo(10);
    }

    @Test
    void aFailedRecordHoldsTheCommitUntilRewound() {
        OffsetTracker.Entry failed = tracker.dispatched(20);
        OffsetTracker.Entry later = tracker.dispatched(21);
        tracker.failed(failed);
        tracker.completed(later);
        assertThat(tracker.safeOffset()).isEqualTo(20);
        assertThat(tracker.running()).isZero();

        tracker.rewoundTo(20);
        assertThat(tracker.safeOffset()).isEqualTo(20);
        assertThat(tracker.size()).isZero();
    }

    @Test
    void aLateCompletionAfterFailureChangesNothing() {
        OffsetTracker.Entry entry = tracker.dispatched(1);
        tracker.failed(entry);
        tracker.completed(entry);
        assertThat(tracker.safeOffset()).isEqualTo(1);
        assertThat(tracker.running()).isZero();
    }
}
