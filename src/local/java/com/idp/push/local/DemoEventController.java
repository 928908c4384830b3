package com.idp.push.local;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.idp.push.pipeline.PipelineTopics;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/v1/demo/events?count=N} (local run only, behind the API token): publishes N sample
 * task-completed events for the demo rule, as the OCR pipeline would, and answers their task ids.
 */
@RestController
class DemoEventController implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final JsonMapper json;

    DemoEventController(KafkaProperties kafka, PipelineTopics topics, JsonMapper json) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topics.input();
        this.json = json;
    }

    @PostMapping("/api/v1/demo/events")
    Map<String, List<String>> publish(@RequestParam(defaultValue = "1") int count) throws Exception {
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < Math.min(Math.max(count, 1), 100); i++) {
            String taskId = "T_DEMO_" + UUID.randomUUID().toString().substring(0, 8);
            ObjectNode event = json.createObjectNode();
            event.put("task_id", taskId);
            event.put("rule_id", DemoSetup.DEMO_RULE);
            event.putObject("result_json").put("invoice_no", "INV-" + (1000 + i)).put("amount", 99.5 + i);
            event.put("file_url", "https://files.example/" + taskId + ".pdf");
            event.putObject("meta_info").put("customer", "ACME");
            event.put("completed_at", Instant.now().toString());
            producer.send(new ProducerRecord<>(topic, taskId.getBytes(StandardCharsets.UTF_8), json.writeValueAsBytes(event)))
                    .get(10, TimeUnit.SECONDS);
            tasks.add(taskId);
        }
        return Map.of("task_ids", tasks);
    }

    @Override
    public void close() {
        producer.close();
    }
}
