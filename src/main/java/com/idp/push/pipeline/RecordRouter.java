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
import com.idp.push.webhook.WebhookEntry;
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
    public Dispatch handle(ConsumerRecord<byte[], byte[]> record, PartitionLease lease) {
        String topic = record.topic();
        if (topic.equals(topics.input())) {
            return intake(record, lease);
        }
        if (topic.equals(topics.replay())) {
            return new Dispatch.Started(replay(record, lease));
        }
        OptionalLong delaySeconds = topics.retryPolicy().delaySecondsOf(topic);
        if (delaySeconds.isPresent()) {
            Instant now = clock.instant();
            DueTime due = topics.retryPolicy().dueTimeOf(delaySeconds.getAsLong(), record.timestamp(), dueAtHeader(record), now);
            if (due.clamped()) {
                // someone other than idp-push wrote this record (or its clock is far off): worth an operator's look.
                // Logged each time the record is read (when read and when due); the header's text is not logged,
                // it is the writer's to choose.
                log.warn("Delay record {}-{}@{} (timestamp {}) asks to wait beyond what idp-push writes for its topic; "
                        + "due at {} instead", record.topic(), record.partition(), record.offset(), record.timestamp(), due.at());
            }
            if (now.isBefore(due.at())) {
                Instant topicDue = Instant.ofEpochMilli(record.timestamp()).plusSeconds(delaySeconds.getAsLong());
                if (now.isBefore(topicDue)) {
                    return new Dispatch.NotDue(due.at().isBefore(topicDue) ? due.at() : topicDue);
                }
                return new Dispatch.Started(requeue(record, due.at(), lease));
            }
            return new Dispatch.Started(retry(record, lease));
        }
        return new Dispatch.Started(invalid(record, "unexpected-topic", "idp-push does not consume " + topic));
    }

    /**
     * A record that waits longer than its topic's delay (a receiver's Retry-After) would hold back every
     * record behind it, which are due by now: once its topic's delay is over it goes back to the tail of
     * the same topic, with the due time it had (as clamped), and the partition moves on. A wait of n topic
     * delays costs n - 1 copies; the records behind it wait no longer than their own due time.
     */
    private CompletableFuture<Void> requeue(ConsumerRecord<byte[], byte[]> record, Instant due, PartitionLease lease) {
        metrics.deferred("due-after-topic-delay");
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(PipelineHeaders.DUE_AT);
        headers.add(PipelineHeaders.DUE_AT, Long.toString(due.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        return lease.produceIfHeld(() -> producer.send(record.topic(), record.key(), record.value(), headers));
    }

    private Dispatch.Started intake(ConsumerRecord<byte[], byte[]> record, PartitionLease lease) {
        ParsedEvent parsed = parser.parse(record.value());
        if (parsed instanceof ParsedEvent.Invalid invalid) {
            return new Dispatch.Started(invalid(record, invalid.reason(), invalid.detail()));
        }
        TaskEvent event = ((ParsedEvent.Valid) parsed).event();
        List<WebhookEntry> webhooks = registry.resolve(event);
        if (webhooks.isEmpty()) {
            metrics.eventWithoutWebhooks();
            log.debug("No enabled webhook for task={} rule={}", event.taskId(), event.ruleId());
            return new Dispatch.Started(CompletableFuture.completedFuture(null));
        }
        Instant now = clock.instant();
        List<CompletableFuture<Void>> deliveries = new ArrayList<>(webhooks.size());
        for (WebhookEntry webhook : webhooks) {
            boolean logsEvent = deliveries.isEmpty();
            deliveries.add(processor.process(Delivery.first(event, webhook.id(), now), webhook, "intake", lease, logsEvent));
        }
        return new Dispatch.Started(CompletableFuture.allOf(deliveries.toArray(CompletableFuture[]::new)), deliveries);
    }

    private CompletableFuture<?> retry(ConsumerRecord<byte[], byte[]> record, PartitionLease lease) {
        Decoded<Delivery> decoded = codec.decodeDelivery(record.value());
        if (decoded instanceof Decoded.Bad<Delivery> bad) {
            return invalid(record, bad.reason(), bad.detail());
        }
        return processor.process(((Decoded.Ok<Delivery>) decoded).value(), record.topic(), lease);
    }

    private CompletableFuture<?> replay(ConsumerRecord<byte[], byte[]> record, PartitionLease lease) {
        Decoded<Delivery> decoded = codec.decodeReplay(record.value(),
                Delivery.replayChain(record.topic(), record.partition(), record.offset()));
        if (decoded instanceof Decoded.Bad<Delivery> bad) {
            return invalid(record, bad.reason(), bad.detail());
        }
        return processor.process(((Decoded.Ok<Delivery>) decoded).value(), "replay", lease);
    }

    private static String dueAtHeader(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(PipelineHeaders.DUE_AT);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
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
