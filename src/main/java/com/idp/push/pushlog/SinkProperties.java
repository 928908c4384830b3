package com.idp.push.pushlog;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;

/** The Postgres sinks of the attempt log and the DLQ. */
@ConfigurationProperties("idp.push.sinks")
public record SinkProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("idp-push-log-sink") String logGroupId,
        @DefaultValue("idp-push-dlq-sink") String dlqGroupId,
        /** Records per batch (max.poll.records of the sink consumers). */
        @DefaultValue("500") int maxBatch,
        @DurationUnit(ChronoUnit.MILLIS) @DefaultValue("500") Duration pollTimeout,
        /**
         * Bytes a sink's fetch waits for (fetch.min.bytes), up to {@code batchWait}: at a steady rate a poll
         * otherwise returns the few records of one producer linger, and each tiny batch is a statement and a
         * transaction of its own, which costs the database more than the rows do.
         */
        @DefaultValue("256KB") DataSize batchMinBytes,
        /** How long a sink's fetch waits for {@code batchMinBytes} (fetch.max.wait.ms): how late a row may be. */
        @DurationUnit(ChronoUnit.MILLIS) @DefaultValue("250") Duration batchWait) {

    public SinkProperties {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("idp.push.sinks.max-batch must be >= 1, was " + maxBatch);
        }
        if (batchMinBytes.toBytes() < 1 || batchWait.isNegative() || batchWait.compareTo(pollTimeout) > 0) {
            throw new IllegalArgumentException("idp.push.sinks.batch-min-bytes must be >= 1 and batch-wait between 0 and"
                    + " poll-timeout (" + pollTimeout.toMillis() + " ms), were " + batchMinBytes + " and " + batchWait);
        }
    }
}
