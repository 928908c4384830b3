package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import com.idp.push.config.PushProperties;
import com.idp.push.webhook.WebhookRegistry;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A consumer loop that dies of an exception from poll() is replaced by a new one, with a new consumer. */
class PipelineRunnerRestartTest {

    private final List<MockConsumer<byte[], byte[]>> created = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private PipelineRunner runner;

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.stop();
        }
    }

    @Test
    void aLoopKilledByAPollExceptionComesBackWithANewConsumerAndIsCounted() throws Exception {
        runner = runner(consumerNumber -> {
            MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
            if (consumerNumber == 0) {
                consumer.setPollException(new KafkaException("the fetch response could not be read"));
            }
            return consumer;
        });

        runner.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> created.size() == 2);
        assertThat(created.get(0).closed()).as("the failed loop closed its consumer").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(runner::isConsuming);
        assertThat(created.get(1).closed()).isFalse();
        assertThat(runner.loopRestarts()).isEqualTo(1);
        assertThat(runner.lastLoopError()).contains("the fetch response could not be read");
        assertThat(meters.get("idp.push.engine.loop.restarts").counter().count()).isEqualTo(1.0);
    }

    @Test
    void healthShowsTheLoopDownWhileItWaitsToRestart() {
        runner = runner(consumerNumber -> {
            MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
            consumer.setPollException(new KafkaException("broken " + consumerNumber));
            return consumer;
        });

        runner.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> runner.loopRestarts() == 1);
        assertThat(runner.isConsuming()).as("down during the first backoff").isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.loopRestarts() == 2);
        assertThat(created).hasSize(2);
    }

    @Test
    void stopEndsARestartBackoffAtOnce() {
        runner = runner(consumerNumber -> {
            MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
            consumer.setPollException(new KafkaException("broken"));
            return consumer;
        });
        runner.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.loopRestarts() == 1);

        long started = System.nanoTime();
        runner.stop();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PipelineRunner.FIRST_RESTART_BACKOFF);
        assertThat(created).hasSize(1);
    }

    private PipelineRunner runner(java.util.function.IntFunction<MockConsumer<byte[], byte[]>> consumers) {
        PushProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "idp.push.topics.create", "false", "idp.push.engine.poll-timeout", "20")))
                .bindOrCreate("idp.push", PushProperties.class);
        WebhookRegistry registry = mock(WebhookRegistry.class);
        try {
            when(registry.awaitLoaded(any())).thenReturn(true);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        RecordHandler handler = (record, lease) -> new Dispatch.Started(CompletableFuture.completedFuture(null));
        return new PipelineRunner(properties, PipelineTopics.of(properties), registry, handler,
                (record, reason, detail) -> CompletableFuture.completedFuture(null), () -> false, Map.of(), clientId -> {
            MockConsumer<byte[], byte[]> consumer = consumers.apply(created.size());
            created.add(consumer);
            return consumer;
        }, meters);
    }
}
