package com.idp.push.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class PushPropertiesTest {

    @Test
    void defaultsFollowTheSpec() {
        PushProperties properties = bind(Map.of());
        assertThat(properties.topics().input()).isEqualTo("idp.task.completed");
        assertThat(properties.retry().max()).isEqualTo(3);
        assertThat(properties.retry().delays()).containsExactly(
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(90));
        assertThat(properties.http().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.security().allowPrivateNetworks()).isFalse();
        assertThat(properties.security().allowedCidrs()).isEmpty();
    }

    @Test
    void allowedCidrsAreReadAndBadOnesFailStartUpNamingTheVariable() {
        PushProperties properties = bind(Map.of("idp.push.security.allowed-cidrs", "10.20.0.0/16, fd00:1::/64"));
        assertThat(properties.security().allowedRanges()).extracting(Object::toString)
                .containsExactly("10.20.0.0/16", "fd00:1::/64");
        assertThat(bind(Map.of("idp.push.security.allowed-cidrs", "")).security().allowedCidrs()).isEmpty();
        assertThatThrownBy(() -> bind(Map.of("idp.push.security.allowed-cidrs", "10.0.0.0/8,10.0.0.0/40")))
                .rootCause().hasMessageContaining("IDP_PUSH_ALLOWED_CIDRS").hasMessageContaining("10.0.0.0/40");
    }

    @Test
    void plainNumbersAreSecondsAsTheEnvironmentVariablesSay() {
        PushProperties properties = bind(Map.of("idp.push.retry.delays", "1,2,3", "idp.push.http.timeout", "5"));
        assertThat(properties.retry().delays()).containsExactly(
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3));
        assertThat(properties.http().timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void invalidValuesFailNamingTheVariable() {
        assertThatThrownBy(() -> bind(Map.of("idp.push.retry.delays", "1500ms")))
                .rootCause().hasMessageContaining("PUSH_RETRY_DELAYS");
        assertThatThrownBy(() -> bind(Map.of("idp.push.retry.max", "-1")))
                .rootCause().hasMessageContaining("PUSH_RETRY_MAX");
    }

    private static PushProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("idp.push", PushProperties.class);
    }
}
