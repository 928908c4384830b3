package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
}
