package com.idp.push.pipeline;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Map;

import com.idp.push.event.ParsedEvent;
import com.idp.push.event.TaskEvent;
import com.idp.push.event.TaskEventParser;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON forms of the records the pipeline writes to its own topics. Field names are snake_case and part
 * of the contract for the DLQ (SPEC §4); the delay-topic form is internal but versioned by field names
 * only, so records written by an older version are still read. Thread-safe.
 */
final class PipelineCodec {

    private final JsonMapper json;
    private final TaskEventParser events;

    PipelineCodec(JsonMapper json, TaskEventParser events) {
        this.json = json;
        this.events = events;
    }

    byte[] encodeDelivery(Delivery delivery) {
        ObjectNode node = json.createObjectNode();
        node.put("delivery_id", delivery.deliveryId());
        node.put("webhook_id", delivery.webhookId());
        node.put("attempt", delivery.attempt());
        node.put("retry", delivery.retry());
        node.put("first_attempt_at", text(delivery.firstAttemptAt()));
        node.put("last_failure", delivery.lastFailure());
        node.put("last_http_status", delivery.lastHttpStatus());
        if (delivery.chain() != null) {
            node.put("chain", delivery.chain()); // absent for the event's own chain, as in records of older versions
        }
        node.set("event", delivery.event().raw());
        return json.writeValueAsBytes(node);
    }

    /** A delay-topic record; one written before chains were named has none, as the event's own chain. */
    Decoded<Delivery> decodeDelivery(byte[] value) {
        return read(value, node -> {
            String deliveryId = requiredText(node, "delivery_id");
            String webhookId = requiredText(node, "webhook_id");
            TaskEvent event = event(node);
            int attempt = node.path("attempt").asInt(1);
            int retry = node.path("retry").asInt(0);
            return new Delivery(deliveryId, webhookId, event, Math.max(attempt, 1), Math.max(retry, 0),
                    instant(node, "first_attempt_at"), optionalText(node, "last_failure"), status(node),
                    optionalText(node, "chain"));
        });
    }

    byte[] encodeDeadLetter(DeadLetter dead) {
        ObjectNode node = json.createObjectNode();
        node.put("delivery_id", dead.deliveryId());
        node.put("task_id", dead.taskId());
        node.put("webhook_id", dead.webhookId());
        node.set("event", dead.event().raw());
        node.put("retry_count", dead.retryCount());
        node.put("attempts", dead.attempts());
        node.put("failure_reason", dead.failureReason());
        node.put("last_http_status", dead.lastHttpStatus());
        node.put("first_attempt_at", text(dead.firstAttemptAt()));
        node.put("dead_at", text(dead.deadAt()));
        return json.writeValueAsBytes(node);
    }

    /**
     * A DLQ record produced to the replay topic: the same delivery, with a fresh retry budget, in a chain of
     * its own.
     *
     * @param chain the replay record's {@link Delivery#replayChain coordinates}
     */
    Decoded<Delivery> decodeReplay(byte[] value, String chain) {
        return read(value, node -> {
            String webhookId = requiredText(node, "webhook_id");
            TaskEvent event = event(node);
            String deliveryId = optionalText(node, "delivery_id");
            if (deliveryId == null) {
                deliveryId = Delivery.first(event, webhookId, Instant.EPOCH).deliveryId();
            }
            int attemptsMade = node.has("attempts") ? node.path("attempts").asInt(0) : node.path("retry_count").asInt(0) + 1;
            return new Delivery(deliveryId, webhookId, event, attemptsMade + 1, 0,
                    instant(node, "first_attempt_at"), optionalText(node, "failure_reason"), status(node), chain);
        });
    }

    /**
     * Written with a streaming generator rather than through an {@code ObjectNode}: this runs once per
     * attempt, and building the tree (header maps converted with {@code valueToTree}) was one of the
     * largest costs of a delivery in the benchmark's profile (docs/performance.md).
     */
    byte[] encodeAttempt(AttemptLog attempt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + length(attempt.requestBody()) * 11 / 10
                + length(attempt.responseBody()) + eventLength(attempt.event()));
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("attempt_id", attempt.attemptId());
            g.writeStringProperty("task_id", attempt.taskId());
            g.writeStringProperty("webhook_id", attempt.webhookId());
            g.writeStringProperty("delivery_id", attempt.deliveryId());
            g.writeNumberProperty("retry_count", attempt.retryCount());
            if (attempt.httpStatus() == null) {
                g.writeNullProperty("http_status");
            } else {
                g.writeNumberProperty("http_status", attempt.httpStatus().intValue());
            }
            g.writeStringProperty("request_url", attempt.requestUrl());
            writeMap(g, "request_headers", attempt.requestHeaders());
            if (attempt.requestBody() == null) {
                g.writeNullProperty("request_body");
            } else if (attempt.requestBodyTruncated()) {
                g.writeStringProperty("request_body", attempt.requestBody()); // cut: text, no longer JSON
            } else {
                // every body sent is valid JSON (the default body, or a template render that was checked), so
                // it goes in as it is, not escaped into a string: the attempt log is the record written most
                g.writeName("request_body_json");
                g.writeRawValue(attempt.requestBody());
            }
            writeMap(g, "response_headers", attempt.responseHeaders());
            g.writeStringProperty("response_body", attempt.responseBody());
            g.writeNumberProperty("duration_ms", attempt.durationMs());
            g.writeBooleanProperty("success", attempt.success());
            g.writeStringProperty("outcome", attempt.outcome());
            g.writeStringProperty("error_message", attempt.errorMessage());
            g.writeStringProperty("stage", attempt.stage());
            g.writeStringProperty("created_at", text(attempt.createdAt()));
            if (attempt.event() != null) {
                g.writeName("event");
                writeEvent(g, out, attempt.event());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * The event's bytes as received when it has them (a valid JSON object, checked by the parser): a first
     * attempt's log carries its event, and serialising the tree again was a third of this method's samples in a
     * flight recording of benchmark S1 as deployed. The generator is told a value follows, then flushed, so the
     * bytes land where the value belongs.
     */
    private static void writeEvent(JsonGenerator g, ByteArrayOutputStream out, TaskEvent event) {
        if (event.json() == null) {
            g.writeTree(event.raw());
            return;
        }
        g.writeRawValue("");
        g.flush();
        out.writeBytes(event.json());
    }

    private static int eventLength(TaskEvent event) {
        return event == null ? 0 : event.json() == null ? 2048 : event.json().length;
    }

    private static void writeMap(JsonGenerator g, String name, Map<String, String> map) {
        g.writeName(name);
        g.writeStartObject();
        for (Map.Entry<String, String> e : map.entrySet()) {
            g.writeStringProperty(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    private interface NodeReader<T> {
        T read(JsonNode node);
    }

    private <T> Decoded<T> read(byte[] value, NodeReader<T> reader) {
        if (value == null) {
            return new Decoded.Bad<>("null-value", "record value is null (tombstone)");
        }
        if (value.length == 0) {
            return new Decoded.Bad<>("empty-value", "record value is empty");
        }
        try {
            JsonNode node = json.readTree(value);
            if (node == null || !node.isObject()) {
                return new Decoded.Bad<>("invalid-json", "record value must be a JSON object");
            }
            return new Decoded.Ok<>(reader.read(node));
        } catch (JacksonException e) {
            return new Decoded.Bad<>("invalid-json", "record value is not valid JSON: " + e.getOriginalMessage());
        } catch (InvalidRecordException e) {
            return new Decoded.Bad<>(e.reason, e.getMessage());
        }
    }

    private TaskEvent event(JsonNode node) {
        ParsedEvent parsed = events.parse(node.get("event"));
        if (parsed instanceof ParsedEvent.Invalid invalid) {
            throw new InvalidRecordException(invalid.reason(), "event: " + invalid.detail());
        }
        return ((ParsedEvent.Valid) parsed).event();
    }

    private static String requiredText(JsonNode node, String field) {
        String value = optionalText(node, field);
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException("missing-field", field + " is required");
        }
        return value;
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static Integer status(JsonNode node) {
        JsonNode value = node.get("last_http_status");
        return value == null || !value.isNumber() ? null : value.asInt();
    }

    private static Instant instant(JsonNode node, String field) {
        String value = optionalText(node, field);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (RuntimeException e) {
            throw new InvalidRecordException("wrong-type", field + " must be an RFC 3339 instant");
        }
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** Thrown inside decoding only; turned into {@link Decoded.Bad}. */
    private static final class InvalidRecordException extends RuntimeException {
        private final String reason;

        InvalidRecordException(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
