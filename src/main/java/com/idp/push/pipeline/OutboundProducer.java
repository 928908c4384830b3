package com.idp.push.pipeline;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes the pipeline's records (delay topics, DLQ, attempt log, invalid copies) with an idempotent
 * {@code acks=all} producer. A returned future completes when the broker has acknowledged the record,
 * which is what makes an outcome durable; it completes exceptionally when the producer gives up
 * (after {@code delivery.timeout.ms}), and the engine then processes the source record again.
 */
public final class OutboundProducer implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;

    public OutboundProducer(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    public CompletableFuture<Void> send(String topic, String key, byte[] value, Headers headers) {
        return send(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers);
    }

    /** Sends the key bytes as they are: copies of consumed records keep their exact key. */
    public CompletableFuture<Void> send(String topic, byte[] key, byte[] value, Headers headers) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, headers), (metadata, error) -> {
                if (error == null) {
                    acked.complete(null);
                } else {
                    acked.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            // send() throws instead of calling back when it cannot even queue the record (e.g. max.block.ms)
            acked.completeExceptionally(e);
        }
        return acked;
    }

    static Headers headers(String... namesAndValues) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                headers.add(namesAndValues[i], namesAndValues[i + 1].getBytes(StandardCharsets.UTF_8));
            }
        }
        return headers;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
