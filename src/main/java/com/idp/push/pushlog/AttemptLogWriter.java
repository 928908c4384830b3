package com.idp.push.pushlog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores attempt-log records ({@code idp.push.attempts}) as {@code push_logs} rows. A batch goes in one
 * statement batch; if the database refuses it because of some row's data, the rows are stored one by
 * one and the ones refused are set aside in {@code sink_rejects}. Unreadable records are set aside too.
 */
final class AttemptLogWriter implements BatchWriter {

    private final JsonMapper json;
    private final PushLogStore store;
    private final SinkRejects rejects;

    AttemptLogWriter(JsonMapper json, PushLogStore store, SinkRejects rejects) {
        this.json = json;
        this.store = store;
        this.rejects = rejects;
    }

    @Override
    public void write(List<ConsumerRecord<byte[], byte[]>> batch) {
        List<AttemptRow> rows = new ArrayList<>(batch.size());
        List<ConsumerRecord<byte[], byte[]>> sources = new ArrayList<>(batch.size());
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            try {
                rows.add(decode(record.value()));
                sources.add(record);
            } catch (RuntimeException e) {
                rejects.reject(record, "unreadable attempt record: " + e.getMessage());
            }
        }
        try {
            store.insert(rows);
        } catch (RuntimeException e) {
            if (!Sql.isDataError(e)) {
                throw e;
            }
            for (int i = 0; i < rows.size(); i++) {
                insertAlone(rows.get(i), sources.get(i));
            }
        }
    }

    private void insertAlone(AttemptRow row, ConsumerRecord<byte[], byte[]> source) {
        try {
            store.insert(List.of(row));
        } catch (RuntimeException e) {
            if (!Sql.isDataError(e)) {
                throw e;
            }
            rejects.reject(source, "refused by the database: " + e.getMessage());
        }
    }

    AttemptRow decode(byte[] value) {
        JsonNode node;
        try {
            node = json.readTree(value);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        JsonNode event = node.get("event");
        return new AttemptRow(
                required(node, "attempt_id"),
                required(node, "task_id"),
                required(node, "webhook_id"),
                required(node, "delivery_id"),
                node.path("retry_count").asInt(0),
                node.path("http_status").isNumber() ? node.get("http_status").asInt() : null,
                text(node, "request_url"),
                headersJson(node.get("request_headers")),
                text(node, "request_body"),
                headersJson(node.get("response_headers")),
                text(node, "response_body"),
                node.path("duration_ms").asLong(0),
                node.path("success").asBoolean(false),
                node.path("outcome").asString("failed"),
                text(node, "error_message"),
                text(node, "stage"),
                false,
                node.hasNonNull("created_at") ? Instant.parse(node.get("created_at").asString()) : Instant.now(),
                event == null || event.isNull() ? null : Sql.clean(json.writeValueAsString(event)));
    }

    private String headersJson(JsonNode headers) {
        Map<String, String> clean = new LinkedHashMap<>();
        if (headers != null && headers.isObject()) {
            headers.properties().forEach(e -> clean.put(Sql.clean(e.getKey()), Sql.clean(e.getValue().asString())));
        }
        return json.writeValueAsString(clean);
    }

    private static String required(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : Sql.clean(value.asString());
    }
}
