package com.idp.push.pushlog;

import java.util.Map;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Delivery figures over a time window (the seed's monitoring queries). Attempt figures count attempts,
 * not the dead-letter marker rows.
 *
 * @param successRate successful attempts / attempts, null when there were none
 * @param retryCountDistribution attempts per retry_count (0 = first attempts)
 * @param dlqSize dead letters pending now, whenever they died
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PushStats(
        int hours,
        String webhookId,
        long attempts,
        long successfulAttempts,
        Double successRate,
        long deliveries,
        long deliveredDeliveries,
        Double avgDurationMs,
        Map<Integer, Long> retryCountDistribution,
        long dlqSize) {
}
