package com.idp.push.pushlog;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import com.idp.push.config.ConsumerGroupProperties;
import com.idp.push.config.GroupMembership;
import com.idp.push.pipeline.PipelineTopics;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import tools.jackson.databind.json.JsonMapper;

/** Wires the attempt-log and DLQ sinks. */
@Configuration(proxyBeanMethods = false)
class PushLogConfiguration {

    @Bean
    PushLogStore pushLogStore(JdbcTemplate jdbc, TransactionTemplate transactions) {
        return new PushLogStore(jdbc, transactions);
    }

    @Bean
    @ConditionalOnProperty(name = "idp.push.sinks.enabled", matchIfMissing = true)
    PushLogSinks pushLogSinks(SinkProperties sinks, KafkaProperties kafka, PipelineTopics topics, JsonMapper json,
            JdbcTemplate jdbcTemplate, JdbcClient jdbc, TransactionTemplate transactions, PushLogStore store,
            ConsumerGroupProperties group, MeterRegistry meters) {
        SinkRejects rejects = new SinkRejects(jdbc);
        // the sinks' groups recover from a dead instance as fast as the engine's: attempts reach Postgres again
        GroupMembership membership = new GroupMembership(group);
        SinkStatus attemptLog = new SinkStatus("attempt-log", "attempt-log sink", System::currentTimeMillis);
        SinkStatus deadLetters = new SinkStatus("dlq", "DLQ sink", System::currentTimeMillis);
        SinkMetrics.bind(meters, List.of(attemptLog, deadLetters));
        return new PushLogSinks(List.of(attemptLog, deadLetters), () -> List.of(
                new SinkLoop(attemptLog, consumer(kafka, sinks, sinks.logGroupId(), membership, meters), topics.attempts(),
                        new AttemptLogWriter(json, store, rejects), retry("attempt-log-sink"), sinks.pollTimeout()),
                new SinkLoop(deadLetters, consumer(kafka, sinks, sinks.dlqGroupId(), membership, meters), topics.dlq(),
                        new DeadLetterWriter(json, jdbcTemplate, transactions, store, rejects), retry("dlq-sink"),
                        sinks.pollTimeout())));
    }

    @Bean
    @ConditionalOnProperty(name = "idp.push.sinks.enabled", matchIfMissing = true)
    PushLogSinksHealthIndicator pushLogSinksHealthIndicator(PushLogSinks sinks) {
        return new PushLogSinksHealthIndicator(sinks.statuses(), System::currentTimeMillis);
    }

    /** A few quick tries per batch; a longer outage is waited out by the loop, paused. */
    private static Retry retry(String name) {
        return Retry.of(name, RetryConfig.custom()
                .maxAttempts(3)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(200), 2.0))
                .retryOnException(e -> !Sql.isDataError(e))
                .build());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(KafkaProperties kafka, SinkProperties sinks, String groupId,
            GroupMembership membership, MeterRegistry meters) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, sinks.maxBatch());
        membership.applyTo(config, groupId);
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        new KafkaClientMetrics(consumer).bindTo(meters);
        return consumer;
    }
}
