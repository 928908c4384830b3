package com.idp.push.pushlog;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an attempt-log record ({@code idp.push.attempts}, written by the pipeline's codec) into a
 * {@code push_logs} row in one pass over the bytes. The sink runs this once per attempt, and reading the
 * record into a tree first (then writing the event and both header maps back out of it) was the largest
 * single cost of a delivery in the benchmark's profile (docs/performance.md). Unknown fields are skipped,
 * so records of a newer writer still load.
 */
final class AttemptRecordReader {

    private final JsonMapper json;

    AttemptRecordReader(JsonMapper json) {
        this.json = json;
    }

    /** @throws IllegalArgumentException when the record is not a readable attempt */
    AttemptRow read(byte[] value) {
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("empty record");
        }
        try (JsonParser p = json.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            Fields f = new Fields(value);
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                p.nextToken();
                f.read(name, p);
            }
            return f.row();
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
    }

    /** The fields of one record as they are read; anything absent keeps its default. */
    private final class Fields {
        final byte[] value;
        String attemptId;
        String taskId;
        String webhookId;
        String deliveryId;
        int retryCount;
        Integer httpStatus;
        String requestUrl;
        String requestHeaders = "{}";
        String requestBody;
        String responseHeaders = "{}";
        String responseBody;
        long durationMs;
        boolean success;
        String outcome = "failed";
        String errorMessage;
        String stage;
        Instant createdAt;
        String event;

        Fields(byte[] value) {
            this.value = value;
        }

        void read(String name, JsonParser p) {
            switch (name) {
                case "attempt_id" -> attemptId = text(p);
                case "task_id" -> taskId = text(p);
                case "webhook_id" -> webhookId = text(p);
                case "delivery_id" -> deliveryId = text(p);
                case "retry_count" -> retryCount = p.getValueAsInt(0);
                case "http_status" -> httpStatus = p.currentToken().isNumeric() ? p.getValueAsInt() : null;
                case "request_url" -> requestUrl = text(p);
                case "request_headers" -> requestHeaders = headers(p, value);
                case "request_body" -> requestBody = text(p); // as records written before 2026-11-29 have it
                case "request_body_json" -> requestBody = jsonText(p, value);
                case "response_headers" -> responseHeaders = headers(p, value);
                case "response_body" -> responseBody = text(p);
                case "duration_ms" -> durationMs = p.getValueAsLong(0);
                case "success" -> success = p.getValueAsBoolean(false);
                case "outcome" -> outcome = Sql.clean(p.getValueAsString("failed"));
                case "error_message" -> errorMessage = text(p);
                case "stage" -> stage = text(p);
                case "created_at" -> createdAt = instant(p);
                case "event" -> event = p.currentToken().isStructStart() ? slice(p, value) : null;
                default -> p.skipChildren();
            }
        }

        AttemptRow row() {
            return new AttemptRow(required(attemptId, "attempt_id"), required(taskId, "task_id"),
                    required(webhookId, "webhook_id"), required(deliveryId, "delivery_id"), retryCount, httpStatus,
                    requestUrl, requestHeaders, requestBody, responseHeaders, responseBody, durationMs, success,
                    outcome, errorMessage, stage, false, createdAt == null ? Instant.now() : createdAt, event);
        }
    }

    /** A scalar as cleaned text; null for null, and for an object or array (skipped). */
    private static String text(JsonParser p) {
        if (p.currentToken().isStructStart()) {
            p.skipChildren();
            return null;
        }
        return Sql.clean(p.getValueAsString());
    }

    private static Instant instant(JsonParser p) {
        String text = text(p);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("created_at is not an RFC 3339 instant: " + text);
        }
    }

    /**
     * A header map as JSON for a jsonb column: normally its text cut from the record as it is. jsonb refuses
     * an escaped U+0000, so a map holding one is re-written with names and values cleaned. Anything but an
     * object is stored as no headers.
     */
    private String headers(JsonParser p, byte[] value) {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return "{}";
        }
        String text = slice(p, value);
        if (!text.contains("\\u0000")) {
            return text;
        }
        try (JsonParser again = json.createParser(text)) {
            again.nextToken();
            return rewrittenClean(again);
        }
    }

    private String rewrittenClean(JsonParser p) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                p.nextToken();
                String value = text(p);
                g.writeStringProperty(Sql.clean(name), value == null ? "" : value);
            }
            g.writeEndObject();
        }
        return out.toString();
    }

    /**
     * The JSON text of the object or array at the parser, cut from the record's bytes as they are (the
     * parser only skips over it): no tree, no re-encoding. Valid JSON cannot hold a raw U+0000.
     */
    private static String slice(JsonParser p, byte[] value) {
        long start = p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        long end = p.currentTokenLocation().getByteOffset() + 1;
        if (start < 0 || end > value.length || start >= end) {
            throw new IllegalArgumentException("cannot locate " + p.currentName() + " in the record");
        }
        return new String(value, (int) start, (int) (end - start), StandardCharsets.UTF_8);
    }

    /** The JSON value at the parser as JSON text: an object or array cut from the record, a scalar re-written. */
    private String jsonText(JsonParser p, byte[] value) {
        if (p.currentToken().isStructStart()) {
            return slice(p, value);
        }
        // a scalar: its text as it reads in JSON (numbers, true, false and null already do)
        return p.currentToken() == JsonToken.VALUE_STRING ? json.writeValueAsString(p.getString()) : p.getString();
    }

    private static String required(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return value;
    }
}
