package com.idp.push.config;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Applies {@link ConsumerGroupProperties} to a consumer's configuration, the same way for the engine and both
 * sinks, and says how such a consumer leaves its group.
 *
 * <p><b>Why the classic protocol.</b> With KIP-848's {@code group.protocol=consumer} the session timeout and
 * heartbeat interval are broker settings ({@code group.consumer.session.timeout.ms}, at least
 * {@code group.consumer.min.session.timeout.ms}: both 45 s by default), the client may not set them, so a client
 * alone cannot get recovery under 45 s. And a KIP-848 static member that died without leaving blocks its own
 * successor: the coordinator rejects the same {@code group.instance.id} with UNRELEASED_INSTANCE_ID until the old
 * session expires. The classic protocol lets the client ask for a 6 s session, and it lets a static member that
 * joins again with its id replace its dead predecessor at once (no rebalance while the group is stable).
 */
public final class GroupMembership {

    private final ConsumerGroupProperties properties;

    public GroupMembership(ConsumerGroupProperties properties) {
        this.properties = properties;
    }

    /**
     * @param config       a consumer's configuration, changed in place
     * @param consumerName names the consumer within this instance (its client id); with an instance id the
     *                     consumer's {@code group.instance.id} is {@code <instance-id>-<consumerName>}, unique per
     *                     consumer of an instance even when several share a group (engine consumer threads)
     */
    public void applyTo(Map<String, Object> config, String consumerName) {
        // forced: the timing below and the static-membership hand-over rely on the classic protocol (see above)
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        // an explicit spring.kafka.consumer.properties.* setting still wins, as for any other client setting
        config.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) properties.sessionTimeout().toMillis());
        config.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) properties.heartbeatInterval().toMillis());
        if (!properties.instanceId().isEmpty()) {
            config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, properties.instanceId() + "-" + consumerName);
        } else {
            config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG); // one id for all consumers of a group would fence them
        }
    }

    /**
     * How a consumer closes on a graceful stop: it leaves the group even as a static member (which by default
     * stays, holding its partitions for a session timeout), so a scale-down or rolling update hands its partitions
     * over at once. Only a crash leaves the id's partitions waiting, for the restart that takes them back.
     */
    public static CloseOptions leaveOnClose(Duration timeout) {
        return CloseOptions.timeout(timeout).withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    }
}
