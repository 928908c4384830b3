package com.idp.push.pushlog;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

/** The Postgres sinks of the attempt log and the DLQ. */
@ConfigurationProperties("idp.push.sinks")
public record SinkProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("idp-push-log-sink") String logGroupId,
        @DefaultValue("idp-push-dlq-sink") String dlqGroupId,
        /** Records per batch (max.poll.records of the sink consumers). */
        @DefaultValue("500") int maxBatch,
        @DurationUnit(ChronoUnit.MILLIS) @DefaultValue("500") Duration pollTimeout) {

    public SinkProperties {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("idp.push.sinks.max-batch must be >= 1, was " + maxBatch);
        }
    }
}
