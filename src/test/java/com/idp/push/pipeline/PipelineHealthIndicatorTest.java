package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import com.idp.push.webhook.WebhookRegistry;

class PipelineHealthIndicatorTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final PipelineRunner runner = mock(PipelineRunner.class);
    private final WebhookRegistry registry = mock(WebhookRegistry.class);
    private final BrokerProbe probe = new BrokerProbe(Map.of("bootstrap.servers", "127.0.0.1:1"), Duration.ofSeconds(1), now::get);
    private final PipelineHealthIndicator indicator =
            new PipelineHealthIndicator(runner, registry, probe, Duration.ofSeconds(10), now::get, new Clock() {
                @Override
                public ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return Instant.ofEpochMilli(now.get()); // the test's monotonic clock reads as the time of day
                }
            });

    @Test
    void upWhileConsumingAndTheBrokerAnswers() {
        when(runner.isConsuming()).thenReturn(true);
        probe.reachable();
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("broker", "reachable").doesNotContainKey("brokerError");
    }

    @Test
    void downOnlyOnceTheBrokerHasBeenUnreachableLongerThanTheThreshold() {
        when(runner.isConsuming()).thenReturn(true);
        probe.reachable();
        probe.unreachable(new IOException("refused"));
        now.addAndGet(9_000);
        probe.unreachable(new IOException("still refused")); // keeps the first failure's time
        Health brief = indicator.health();
        assertThat(brief.getStatus()).isEqualTo(Status.UP);
        assertThat((String) brief.getDetails().get("broker")).startsWith("unreachable since 1970-01-01T00:16:40Z (9 s)");
        assertThat(brief.getDetails()).containsEntry("brokerError", "java.io.IOException: still refused");

        now.addAndGet(1_001);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);

        probe.reachable();
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aBrokerNeverReachedCountsFromTheStartAndALoopThatDiedIsDownWhateverTheBroker() {
        when(runner.isConsuming()).thenReturn(true);
        now.addAndGet(10_001);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);

        probe.reachable();
        when(runner.isConsuming()).thenReturn(false);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
    }
}
