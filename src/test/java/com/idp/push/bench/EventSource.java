package com.idp.push.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces the task-completed events of a phase, as the OCR pipeline would: either a burst (as fast as
 * the producer goes: measures capacity) or paced at a fixed rate (open loop: measures latency below
 * capacity, where queueing in a backlog does not swamp it). Each event's produce instant goes to the
 * {@link Recorder}.
 */
final class EventSource implements AutoCloseable {

    /**
     * About 0.8 KB of extraction result, a typical invoice's fields, around the invoice number. Joined by
     * concatenation, not {@code String.format}: the generator shares the two cores with the engine it
     * measures, so it should cost as little as it can.
     */
    private static final String RESULT_HEAD = "{\"invoice_no\":\"INV-";
    private static final String RESULT_TAIL = """
            ","amount":1234.5,"currency":"EUR","supplier":{"name":"ACME Industrial Supplies GmbH",
            "vat_id":"DE123456789","address":"Industriestrasse 12, 70565 Stuttgart"},"lines":[
            {"sku":"A-100","description":"Hydraulic pump, 4 kW","qty":2,"unit_price":410.0},
            {"sku":"B-220","description":"Pressure hose DN12, 2 m","qty":6,"unit_price":35.75},
            {"sku":"C-031","description":"Mounting kit","qty":1,"unit_price":199.0}],
            "confidence":0.973,"pages":3,"language":"de","ocr_engine":"idp-ocr-4.2"}""".replace("\n", "");

    private final KafkaProducer<String, byte[]> producer;

    EventSource(String bootstrapServers) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * @param perSecond 0 for a burst
     */
    void produce(String topic, Recorder recorder, String ruleId, int events, double perSecond) {
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            if (perSecond > 0) {
                long due = start + (long) (i * 1e9 / perSecond);
                for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
                    LockSupport.parkNanos(due - now);
                }
            }
            String taskId = recorder.taskId(i);
            byte[] value = event(taskId, ruleId, i);
            recorder.produced(i, System.nanoTime());
            producer.send(new ProducerRecord<>(topic, taskId, value));
        }
        producer.flush();
    }

    /** Plain records for the baseline consumer, no timing. */
    void produceUntimed(String topic, String prefix, String ruleId, int events) throws Exception {
        for (int i = 0; i < events; i++) {
            producer.send(new ProducerRecord<>(topic, prefix + i, event(prefix + i, ruleId, i)));
        }
        producer.send(new ProducerRecord<>(topic, "end", new byte[0])).get(30, TimeUnit.SECONDS);
    }

    static byte[] event(String taskId, String ruleId, int i) {
        return ("{\"task_id\":\"" + taskId + "\",\"rule_id\":\"" + ruleId + "\",\"result_json\":" + RESULT_HEAD + i + RESULT_TAIL
                + ",\"file_url\":\"https://files.example/" + taskId + ".pdf\",\"meta_info\":{\"customer\":\"ACME\"},"
                + "\"completed_at\":\"2025-12-14T10:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
