package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.idp.push.config.PushProperties;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(
            new PushProperties.Retry(3, List.of(seconds(10), seconds(30), seconds(90)), seconds(300)), "idp.push.retry-");

    @Test
    void threeRetriesThenNoMore() {
        assertThat(policy.canRetry(0)).isTrue();
        assertThat(policy.canRetry(2)).isTrue();
        assertThat(policy.canRetry(3)).isFalse();
    }

    @Test
    void eachRetryWaitsItsConfiguredDelayInTheTopicNamedAfterIt() {
        assertThat(policy.delayBefore(0, null)).isEqualTo(seconds(10));
        assertThat(policy.delayBefore(1, null)).isEqualTo(seconds(30));
        assertThat(policy.delayBefore(2, null)).isEqualTo(seconds(90));
        assertThat(policy.topicFor(seconds(10))).isEqualTo("idp.push.retry-10s");
        assertThat(policy.topicFor(seconds(90))).isEqualTo("idp.push.retry-90s");
        assertThat(policy.topics()).containsExactly("idp.push.retry-10s", "idp.push.retry-30s", "idp.push.retry-90s");
    }

    @Test
    void moreRetriesThanDelaysRepeatTheLastDelay() {
        RetryPolicy five = new RetryPolicy(new PushProperties.Retry(5, List.of(seconds(1), seconds(2)), seconds(60)), "r-");
        assertThat(five.delayBefore(4, null)).isEqualTo(seconds(2));
    }

    @Test
    void retryAfterMovesTheDueTimeLaterButIsCapped() {
        assertThat(policy.delayBefore(0, seconds(45))).isEqualTo(seconds(45));
        assertThat(policy.delayBefore(0, seconds(5))).as("never earlier than the schedule").isEqualTo(seconds(10));
        assertThat(policy.delayBefore(0, Duration.ofHours(5))).isEqualTo(seconds(300));
    }

    @Test
    void aLongerWaitGoesToTheClosestShorterDelayTopic() {
        assertThat(policy.topicFor(seconds(45))).isEqualTo("idp.push.retry-30s");
        assertThat(policy.topicFor(seconds(300))).isEqualTo("idp.push.retry-90s");
        assertThat(policy.topicFor(seconds(1))).isEqualTo("idp.push.retry-10s");
    }

    @Test
    void recognisesDelayTopicsOfDelaysNoLongerConfigured() {
        assertThat(policy.delaySecondsOf("idp.push.retry-600s")).hasValue(600);
        assertThat(policy.delaySecondsOf("idp.push.retry-x")).isEmpty();
        assertThat(policy.delaySecondsOf("idp.push.dlq")).isEmpty();
    }

    private static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }

    // ---------------------------------------------------------------- due time of a delay record

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final long WRITTEN = NOW.minusSeconds(4).toEpochMilli();

    @Test
    void aDueTimeIdpPushCouldHaveWrittenIsTakenAsItIs() {
        assertThat(policy.dueTimeOf(10, WRITTEN, Long.toString(WRITTEN + 10_000), NOW))
                .isEqualTo(new DueTime(Instant.ofEpochMilli(WRITTEN + 10_000), false));
        // a capped Retry-After waits in the topic of the longest delay not above it: 300 s in the 90 s topic
        assertThat(policy.dueTimeOf(90, WRITTEN, Long.toString(WRITTEN + 300_000), NOW))
                .isEqualTo(new DueTime(Instant.ofEpochMilli(WRITTEN + 300_000), false));
    }

    @Test
    void aDueTimeFarInTheFutureIsClampedToTheRecordTimePlusTheLongerOfTopicDelayAndRetryAfterCap() {
        String tenYears = Long.toString(NOW.plus(Duration.ofDays(3650)).toEpochMilli());
        assertThat(policy.dueTimeOf(10, WRITTEN, tenYears, NOW))
                .as("the cap (300 s) is longer than the topic's delay")
                .isEqualTo(new DueTime(Instant.ofEpochMilli(WRITTEN + 300_000), true));
        assertThat(policy.dueTimeOf(600, WRITTEN, tenYears, NOW))
                .as("a delay topic of a delay longer than the cap (no longer configured, still drained)")
                .isEqualTo(new DueTime(Instant.ofEpochMilli(WRITTEN + 600_000), true));
        assertThat(policy.dueTimeOf(10, WRITTEN, Long.toString(Long.MAX_VALUE), NOW).at())
                .isEqualTo(Instant.ofEpochMilli(WRITTEN + 300_000));

        RetryPolicy smallCap = new RetryPolicy(new PushProperties.Retry(3, List.of(seconds(10)), seconds(5)), "idp.push.retry-");
        assertThat(smallCap.dueTimeOf(10, WRITTEN, tenYears, NOW))
                .as("a cap shorter than the topic's delay: the delay bounds")
                .isEqualTo(new DueTime(Instant.ofEpochMilli(WRITTEN + 10_000), true));
    }

    @Test
    void aDueTimeInThePastIsDueNowAndAnUnreadableOneFallsBackToTheTopicsDelay() {
        assertThat(policy.dueTimeOf(10, WRITTEN, Long.toString(WRITTEN - 60_000), NOW))
                .isEqualTo(new DueTime(Instant.ofEpochMilli(WRITTEN - 60_000), false));
        assertThat(policy.dueTimeOf(10, WRITTEN, "-5", NOW).at()).isBefore(NOW);
        for (String unreadable : new String[] {null, "", "garbage", "12.5", "99999999999999999999", "1e12"}) {
            assertThat(policy.dueTimeOf(10, WRITTEN, unreadable, NOW)).as(String.valueOf(unreadable))
                    .isEqualTo(new DueTime(Instant.ofEpochMilli(WRITTEN + 10_000), false));
        }
    }

    @Test
    void aRecordTimestampFarInTheFutureCannotBoundItselfSoTheRecordIsDueAtOnce() {
        long forged = NOW.plus(Duration.ofDays(3650)).toEpochMilli();
        assertThat(policy.dueTimeOf(10, forged, Long.toString(forged), NOW)).isEqualTo(new DueTime(NOW, true));
        assertThat(policy.dueTimeOf(10, forged, null, NOW)).isEqualTo(new DueTime(NOW, true));
        // a clock a little ahead (within the bound) is taken as it is: stable every time the record is read
        long skewed = NOW.plusSeconds(2).toEpochMilli();
        assertThat(policy.dueTimeOf(10, skewed, Long.toString(skewed + 10_000), NOW))
                .isEqualTo(new DueTime(Instant.ofEpochMilli(skewed + 10_000), false));
        assertThat(policy.dueTimeOf(10, skewed, Long.toString(skewed + 10_000), NOW.plusSeconds(12)))
                .isEqualTo(new DueTime(Instant.ofEpochMilli(skewed + 10_000), false));
    }
}
