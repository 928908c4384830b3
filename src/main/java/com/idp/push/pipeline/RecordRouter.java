package com.idp.push.pipeline;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.idp.push.event.ParsedEvent;
import com.idp.push.event.TaskEvent;
import com.idp.push.event.TaskEventParser;
import com.idp.push.webhook.Webhook;
import com.idp.push.webhook.WebhookRegistry;

/**
 * Turns each consumed record into work by topic: task-completed events fan out into one first attempt
 * per webhook; delay-topic records are attempted once due; replayed DLQ records are attempted with a
 * fresh retry budget. A record that cannot be read is copied unchanged (key, value, headers) to the
 * invalid topic with headers saying why, and the partition moves on.
 */
final class RecordRouter implements RecordHandler {

    private static final Logger log = LoggerFactory.getLogger(RecordRouter.class);

    private final PipelineTopics topics;
    private final TaskEventParser parser;
    private final PipelineCodec codec;
    private final WebhookRegistry registry;
    private final DeliveryProcessor processor;
    private final OutboundProducer producer;
    private final DeliveryMetrics metrics;
    private final Clock clock;

    RecordRouter(PipelineTopics topics, TaskEventParser parser, PipelineCodec codec, WebhookRegistry registry,
            DeliveryProcessor processor, OutboundProducer producer, DeliveryMetrics metrics, Clock clock) {
        this.topics = topics;
        this.parser = parser;
        this.codec = codec;
        this.registry = registry;
        this.processor = processor;
        this.producer = producer;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public Dispatch handle(ConsumerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        if (topic.equals(topics.input())) {
            return intake(record);
        }
        if (topic.equals(topics.replay())) {
            return new Dispatch.Started(replay(record));
        }
        OptionalLong delaySeconds = topics.retryPolicy().delaySecondsOf(topic);
        if (delaySeconds.isPresent()) {
            Instant due = dueAt(record, delaySeconds.getAsLong());
            if (clock.instant().isBefore(due)) {
                return new Dispatch.NotDue(due);
            }
            return new Dispatch.Started(retry(record));
        }
        return new Dispatch.Started(invalid(record, "unexpected-topic", "idp-push does not consume " + topic));
    }

    private Dispatch.Started intake(ConsumerRecord<byte[], byte[]> record) {
        ParsedEvent parsed = parser.parse(record.value());
        if (parsed instanceof ParsedEvent.Invalid invalid) {
            return new Dispatch.Started(invalid(record, invalid.reason(), invalid.detail()));
        }
        TaskEvent event = ((ParsedEvent.Valid) parsed).event();
        List<Webhook> webhooks = registry.resolve(event);
        if (webhooks.isEmpty()) {
            metrics.eventWithoutWebhooks();
            log.debug("No enabled webhook for task={} rule={}", event.taskId(), event.ruleId());
            return new Dispatch.Started(CompletableFuture.completedFuture(null));
        }
        Instant now = clock.instant();
        List<CompletableFuture<Void>> deliveries = new ArrayList<>(webhooks.size());
        for (Webhook webhook : webhooks) {
            deliveries.add(processor.process(Delivery.first(event, webhook.id(), now), webhook, "intake"));
        }
        return new Dispatch.Started(CompletableFuture.allOf(deliveries.toArray(CompletableFuture[]::new)), deliveries);
    }

    private CompletableFuture<?> retry(ConsumerRecord<byte[], byte[]> record) {
        Decoded<Delivery> decoded = codec.decodeDelivery(record.value());
        if (decoded instanceof Decoded.Bad<Delivery> bad) {
            return invalid(record, bad.reason(), bad.detail());
        }
        return processor.process(((Decoded.Ok<Delivery>) decoded).value(), record.topic());
    }

    private CompletableFuture<?> replay(ConsumerRecord<byte[], byte[]> record) {
        Decoded<Delivery> decoded = codec.decodeReplay(record.value(),
                Delivery.replayChain(record.topic(), record.partition(), record.offset()));
        if (decoded instanceof Decoded.Bad<Delivery> bad) {
            return invalid(record, bad.reason(), bad.detail());
        }
        return processor.process(((Decoded.Ok<Delivery>) decoded).value(), "replay");
    }

    /** The due time from the header, else (a record produced by hand) the record time plus the topic's delay. */
    private static Instant dueAt(ConsumerRecord<byte[], byte[]> record, long delaySeconds) {
        Header header = record.headers().lastHeader(PipelineHeaders.DUE_AT);
        if (header != null) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(new String(header.value(), StandardCharsets.UTF_8)));
            } catch (NumberFormatException e) {
                // fall through to the record's own timestamp
            }
        }
        return Instant.ofEpochMilli(record.timestamp()).plusSeconds(delaySeconds);
    }

    /** Sets aside a record the engine could not process: its copy on the invalid topic, with the reason. */
    CompletableFuture<Void> setAside(ConsumerRecord<byte[], byte[]> record, String reason, String detail) {
        return invalid(record, reason, detail);
    }

    private CompletableFuture<Void> invalid(ConsumerRecord<byte[], byte[]> record, String reason, String detail) {
        metrics.invalid(record.topic(), reason);
        log.warn("Invalid record {}-{}@{} copied to {}: {} ({})", record.topic(), record.partition(), record.offset(),
                topics.invalid(), reason, detail);
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(PipelineHeaders.INVALID_REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(PipelineHeaders.INVALID_DETAIL, detail.getBytes(StandardCharsets.UTF_8));
        headers.add(PipelineHeaders.SOURCE_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(PipelineHeaders.SOURCE_PARTITION, Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(PipelineHeaders.SOURCE_OFFSET, Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        return producer.send(topics.invalid(), record.key(), record.value(), headers);
    }
}
