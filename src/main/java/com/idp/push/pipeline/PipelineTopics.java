package com.idp.push.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.idp.push.config.PushProperties;

/** The topic names in use, and the subscription pattern of the delivery consumers. */
public record PipelineTopics(String input, String invalid, String replay, String dlq, String attempts,
        RetryPolicy retryPolicy) {

    public static PipelineTopics of(PushProperties properties) {
        PushProperties.Topics topics = properties.topics();
        return new PipelineTopics(topics.input(), topics.invalid(), topics.replay(), topics.dlq(), topics.attempts(),
                new RetryPolicy(properties.retry(), topics.retryPrefix()));
    }

    public boolean isDelayTopic(String topic) {
        return retryPolicy.delaySecondsOf(topic).isPresent();
    }

    /** Input, replay and every delay topic (also those of delays no longer configured). */
    public Pattern consumerPattern() {
        return Pattern.compile(Pattern.quote(input) + "|" + Pattern.quote(replay) + "|"
                + retryPolicy.topicPattern().pattern());
    }

    /** Topics idp-push creates when missing; the delay topics get the input topic's partition count. */
    public List<String> ownTopics() {
        List<String> own = new ArrayList<>(List.of(invalid, replay, dlq, attempts));
        own.addAll(retryPolicy.topics());
        return own;
    }
}
