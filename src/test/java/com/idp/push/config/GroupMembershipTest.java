package com.idp.push.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class GroupMembershipTest {

    private static final ConsumerGroupProperties DEFAULTS = new ConsumerGroupProperties(Duration.ofSeconds(6), Duration.ofSeconds(1), "");

    @Test
    void setsTheClassicProtocolAndTheShortSessionOfEveryConsumer() {
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"));
        new GroupMembership(DEFAULTS).applyTo(config, "idp-push-0");
        assertThat(config).containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic")
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000)
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000)
                .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    }

    @Test
    void anExplicitKafkaClientSettingWins() {
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000"));
        new GroupMembership(DEFAULTS).applyTo(config, "idp-push-0");
        assertThat(config).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    }

    @Test
    void eachConsumerOfAnInstanceGetsAnIdOfItsOwn() {
        GroupMembership membership = new GroupMembership(new ConsumerGroupProperties(Duration.ofSeconds(6), Duration.ofSeconds(1), " pod-7 "));
        Map<String, Object> engine0 = new HashMap<>();
        Map<String, Object> engine1 = new HashMap<>();
        Map<String, Object> sink = new HashMap<>();
        membership.applyTo(engine0, "idp-push-0");
        membership.applyTo(engine1, "idp-push-1");
        membership.applyTo(sink, "idp-push-log-sink");
        assertThat(engine0).containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "pod-7-idp-push-0");
        assertThat(engine1).containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "pod-7-idp-push-1");
        assertThat(sink).containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "pod-7-idp-push-log-sink");
    }

    @Test
    void withoutAnInstanceIdASharedIdFromTheKafkaSettingsIsDropped() {
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "same-for-all"));
        new GroupMembership(DEFAULTS).applyTo(config, "idp-push-0");
        assertThat(config).doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    }

    @Test
    void aGracefulCloseLeavesTheGroupEvenAsAStaticMember() {
        CloseOptions options = GroupMembership.leaveOnClose(Duration.ofSeconds(5));
        assertThat(options.groupMembershipOperation()).isEqualTo(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
        assertThat(options.timeout()).contains(Duration.ofSeconds(5));
    }

    @Test
    void theHeartbeatMustBeShorterThanTheSession() {
        assertThatThrownBy(() -> new ConsumerGroupProperties(Duration.ofSeconds(6), Duration.ofSeconds(6), ""))
                .hasMessageContaining("idp.push.consumer-group.heartbeat-interval");
    }
}
