package com.idp.push.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

/**
 * How every consumer of idp-push (the delivery engine's and both Postgres sinks') takes part in its consumer
 * group, bound from {@code idp.push.consumer-group.*}. These settings decide how long the partitions of an
 * instance that died without leaving (SIGKILL, OOM kill, node loss) stay unserved: see docs/reliability.md.
 *
 * @param sessionTimeout    how long the group coordinator waits for a heartbeat before it gives the member's
 *                          partitions to the others; 6 s is the lowest a broker accepts by default
 *                          ({@code group.min.session.timeout.ms}); Kafka's own default is 45 s
 * @param heartbeatInterval how often the client heartbeats; it also bounds how long a survivor takes to learn
 *                          that a rebalance started, so it adds to the recovery time
 * @param instanceId        a name stable across restarts of one instance and unique among live ones (the pod
 *                          name); set, it makes the consumers static members ({@code group.instance.id}), so a
 *                          restarted instance takes its partitions back at once instead of waiting for the
 *                          session of its dead predecessor to expire. Empty (the default): dynamic members
 */
@ConfigurationProperties("idp.push.consumer-group")
public record ConsumerGroupProperties(
        @DurationUnit(ChronoUnit.MILLIS) @DefaultValue("6000") Duration sessionTimeout,
        @DurationUnit(ChronoUnit.MILLIS) @DefaultValue("1000") Duration heartbeatInterval,
        @DefaultValue("") String instanceId) {

    public ConsumerGroupProperties {
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero() || heartbeatInterval.compareTo(sessionTimeout) >= 0) {
            throw new IllegalArgumentException("idp.push.consumer-group.heartbeat-interval must be > 0 and below session-timeout ("
                    + sessionTimeout.toMillis() + " ms), was " + heartbeatInterval.toMillis() + " ms");
        }
        instanceId = instanceId == null ? "" : instanceId.strip();
    }
}
