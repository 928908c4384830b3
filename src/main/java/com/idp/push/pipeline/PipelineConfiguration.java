package com.idp.push.pipeline;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;
import org.springframework.context.annotation.Configuration;

import com.idp.push.config.ConsumerGroupProperties;
import com.idp.push.config.GroupMembership;
import com.idp.push.config.PushProperties;
import com.idp.push.delivery.EndpointGuards;
import com.idp.push.delivery.HttpSender;
import com.idp.push.delivery.OutcomeClassifier;
import com.idp.push.delivery.RequestFactory;
import com.idp.push.delivery.TemplateLimits;
import com.idp.push.event.TaskEventParser;
import com.idp.push.ssrf.AddressGuard;
import com.idp.push.ssrf.GuardedAddressResolverGroup;
import com.idp.push.webhook.WebhookRegistry;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires the delivery engine. Kafka clients are built from Spring Boot's {@code spring.kafka.*} settings
 * (so security and bootstrap settings apply as usual), with the settings the engine's guarantees rely
 * on forced: manual commits, idempotent {@code acks=all} producing, byte-array records.
 */
@Configuration(proxyBeanMethods = false)
class PipelineConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PipelineConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    TaskEventParser taskEventParser() {
        return new TaskEventParser();
    }

    @Bean
    PipelineTopics pipelineTopics(PushProperties properties) {
        return PipelineTopics.of(properties);
    }

    @Bean(destroyMethod = "close")
    HttpSender httpSender(PushProperties properties, AddressGuard guard) {
        PushProperties.Http http = properties.http();
        // every delivery, retried, replayed or sent by the test endpoint, connects only where the guard allows
        return new HttpSender(http.maxConnections(), http.connectTimeout(), http.maxResponseBodyBytes(),
                new GuardedAddressResolverGroup(guard));
    }

    @Bean(destroyMethod = "close")
    OutboundProducer outboundProducer(KafkaProperties kafka, PushProperties properties, MeterRegistry meters) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // records here are durability hand-offs (attempt log, delay topics, DLQ), sent after the request: a
        // longer linger fills larger batches without delaying any delivery
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
        // one attempt-log record is 1-3 KB: the default 16 KB batch made a produce request (and broker work)
        // per few records; 128 KB batches raised the benchmark's S1 rate by about a third (docs/performance.md)
        config.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, properties.topics().maxMessageBytes());
        // send() blocks only OutboundProducer's own sender thread (a full buffer, missing metadata); bounded so that one
        // record whose topic has no metadata holds the others up at most this long before it waits out a backoff
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "idp-push-producer");
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        new KafkaClientMetrics(producer).bindTo(meters);
        long budget = properties.engine().maxPendingOutcomeBytes().toBytes();
        long bufferMemory = bufferMemory(config);
        if (budget > bufferMemory) {
            log.warn("idp.push.engine.max-pending-outcome-bytes ({} bytes) is above the producer's buffer.memory ({} bytes):"
                    + " the buffer fills before the consumer loops stop taking records, and outcomes wait for it", budget,
                    bufferMemory);
        }
        OutboundProducer outbound = new OutboundProducer(producer, budget);
        Gauge.builder("idp.push.outcomes.pending.bytes", outbound, OutboundProducer::pendingBytes)
                .description("Bytes of outcome records queued for or sent to the broker and not yet acknowledged")
                .baseUnit("bytes").register(meters);
        FunctionCounter.builder("idp.push.outcomes.resends", outbound, OutboundProducer::resends)
                .description("Outcome records sent again after a retriable producer failure (the broker away)").register(meters);
        return outbound;
    }

    private static long bufferMemory(Map<String, Object> config) {
        Object value = config.get(ProducerConfig.BUFFER_MEMORY_CONFIG);
        return value == null ? 32L * 1024 * 1024 : Long.parseLong(value.toString());
    }

    @Bean
    EndpointGuards endpointGuards(PushProperties properties, MeterRegistry meters) {
        PushProperties.Endpoints endpoints = properties.endpoints();
        return new EndpointGuards(new EndpointGuards.Settings(endpoints.maxConcurrent(), endpoints.slotWait(),
                endpoints.breakerWindow(),
                endpoints.breakerMinimumCalls(), endpoints.breakerFailureRate(), endpoints.breakerOpenFor(),
                endpoints.breakerHalfOpenCalls(), endpoints.slowCallAfter()), meters);
    }

    @Bean
    WorkMemory workMemory(PushProperties properties, MeterRegistry meters) {
        DataSize configured = properties.engine().maxWorkMemory();
        WorkMemory work = new WorkMemory(configured != null ? configured.toBytes()
                : WorkMemory.defaultBudget(Runtime.getRuntime().maxMemory()));
        Gauge.builder("idp.push.engine.work.memory", work, WorkMemory::heldBytes)
                .description("Bytes of events and request bodies the delivery work holds now").baseUnit("bytes")
                .register(meters);
        Gauge.builder("idp.push.engine.work.memory.peak", work, WorkMemory::peakBytes)
                .description("The most bytes of events and request bodies the delivery work held at once since start-up")
                .baseUnit("bytes").register(meters);
        Gauge.builder("idp.push.engine.work.memory.max", work, WorkMemory::maxBytes)
                .description("Budget of the delivery work's bytes (idp.push.engine.max-work-memory)").baseUnit("bytes")
                .register(meters);
        return work;
    }

    @Bean
    DeliveryMetrics deliveryMetrics(MeterRegistry meters) {
        return new DeliveryMetrics(meters);
    }

    @Bean
    DeliveryProcessor deliveryProcessor(WebhookRegistry registry, PushProperties properties, JsonMapper json,
            HttpSender sender, EndpointGuards guards, PipelineTopics topics, TaskEventParser parser,
            OutboundProducer producer, DeliveryMetrics metrics, WorkMemory work, Clock clock) {
        RequestFactory requests = new RequestFactory(json, properties.http().timeout(), properties.http().userAgent(),
                new TemplateLimits((int) properties.templates().maxBodyBytes().toBytes(),
                        properties.templates().maxSectionIterations()));
        return new DeliveryProcessor(registry, requests, sender, guards, new OutcomeClassifier(clock), topics,
                new PipelineCodec(json, parser), producer, metrics, clock, properties.http().maxLoggedRequestBodyBytes(),
                work);
    }

    @Bean
    PipelineRunner pipelineRunner(PushProperties properties, PipelineTopics topics, WebhookRegistry registry,
            TaskEventParser parser, JsonMapper json, DeliveryProcessor processor, OutboundProducer producer,
            DeliveryMetrics metrics, WorkMemory work, KafkaProperties kafka, ConsumerGroupProperties group,
            MeterRegistry meters, Clock clock) {
        GroupMembership membership = new GroupMembership(group);
        RecordRouter router = new RecordRouter(topics, parser, new PipelineCodec(json, parser), registry, processor,
                producer, metrics, clock);
        // the intake stops while outcomes wait for the broker beyond their budget, or the work in hand holds too much heap
        return new PipelineRunner(properties, topics, registry, work.counting(router), router::setAside,
                () -> producer.overBudget() || work.exceeded(),
                kafka.buildAdminProperties(), clientId -> {
            Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
            config.put(ConsumerConfig.GROUP_ID_CONFIG, properties.engine().groupId());
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
            // how fast a dead instance's partitions move (session, heartbeat, static membership): docs/reliability.md
            membership.applyTo(config, clientId);
            config.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
            // pattern subscription notices delay topics created by other instances within this time
            config.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 30_000);
            KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            new KafkaClientMetrics(consumer).bindTo(meters);
            return consumer;
        }, meters);
    }

    @Bean
    BrokerProbe brokerProbe(PushProperties properties, KafkaProperties kafka) {
        return new BrokerProbe(kafka.buildAdminProperties(), properties.engine().brokerProbeInterval(), ConsumerLoop::monotonicMillis);
    }

    @Bean
    PipelineHealthIndicator pipelineHealthIndicator(PipelineRunner runner, WebhookRegistry registry, BrokerProbe probe,
            PushProperties properties) {
        return new PipelineHealthIndicator(runner, registry, probe, properties.engine().brokerUnreachableAfter(),
                ConsumerLoop::monotonicMillis, Clock.systemUTC());
    }

    @Bean
    PushService pushService(DeliveryProcessor processor) {
        return new PushService(processor);
    }
}
