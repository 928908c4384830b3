package com.idp.push.pushlog;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long push logs are kept (PUSH_LOG_RETENTION_DAYS) and how the clean-up runs.
 *
 * @param days rows older than this are removed; 0 keeps everything
 * @param interval time between clean-up runs (the first runs {@code initialDelay} after start)
 * @param batchSize rows deleted per statement: small enough that no delete holds locks or bloats WAL for long
 */
@ConfigurationProperties("idp.push.retention")
public record RetentionProperties(
        @DefaultValue("30") int days,
        @DefaultValue("1h") Duration interval,
        @DefaultValue("1m") Duration initialDelay,
        @DefaultValue("5000") int batchSize) {

    public RetentionProperties {
        if (days < 0) {
            throw new IllegalArgumentException("PUSH_LOG_RETENTION_DAYS must be >= 0 (0 keeps logs forever), was " + days);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("idp.push.retention.batch-size must be >= 1, was " + batchSize);
        }
    }
}
