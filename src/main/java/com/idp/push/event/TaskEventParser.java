package com.idp.push.event;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses and validates the value of a {@code task-completed} record (SPEC §1). Never throws: anything
 * wrong with the bytes becomes {@link ParsedEvent.Invalid} with a reason, so the caller can copy the
 * record to the invalid topic and move on. Thread-safe.
 */
public final class TaskEventParser {

    /** Deeper nesting than this is refused rather than risking a stack overflow further down. */
    static final int MAX_NESTING_DEPTH = 200;

    private final JsonMapper mapper;

    public TaskEventParser() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .build();
        this.mapper = JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    }

    public ParsedEvent parse(byte[] value) {
        if (value == null) {
            return new ParsedEvent.Invalid("null-value", "record value is null (tombstone)");
        }
        if (value.length == 0) {
            return new ParsedEvent.Invalid("empty-value", "record value is empty");
        }
        if (!isUtf8(value)) {
            return new ParsedEvent.Invalid("invalid-utf8", "record value is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = mapper.readTree(value);
        } catch (JacksonException e) {
            return new ParsedEvent.Invalid("invalid-json", "record value is not valid JSON: " + e.getOriginalMessage());
        }
        return parse(root, withoutByteOrderMark(value));
    }

    /** Validates an already parsed event, e.g. the one carried inside a retry or DLQ record. */
    public ParsedEvent parse(JsonNode root) {
        return parse(root, null);
    }

    private ParsedEvent parse(JsonNode root, byte[] json) {
        if (root == null || !root.isObject()) {
            return new ParsedEvent.Invalid("invalid-json", "event must be a JSON object");
        }
        return validate((ObjectNode) root, json);
    }

    private ParsedEvent validate(ObjectNode root, byte[] json) {
        List<String> problems = new ArrayList<>();
        String taskId = requiredString(root, "task_id", problems);
        String ruleId = requiredString(root, "rule_id", problems);
        ObjectNode result = object(root, "result_json", true, problems);
        String fileUrl = optionalString(root, "file_url", problems);
        ObjectNode meta = object(root, "meta_info", false, problems);
        String eventId = optionalString(root, "event_id", problems);
        String completedAt = optionalString(root, "completed_at", problems);
        List<String> webhookIds = stringArray(root, "webhook_ids", problems);
        if (!problems.isEmpty()) {
            boolean missing = problems.stream().allMatch(p -> p.endsWith("is required"));
            return new ParsedEvent.Invalid(missing ? "missing-field" : "wrong-type", String.join("; ", problems));
        }
        if (eventId == null) {
            eventId = completedAt == null ? taskId : taskId + ":" + completedAt;
        }
        return new ParsedEvent.Valid(
                new TaskEvent(taskId, ruleId, result, fileUrl, meta, eventId, completedAt, webhookIds, root, json));
    }

    private static String requiredString(ObjectNode root, String field, List<String> problems) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            problems.add(field + " is required");
            return null;
        }
        if (!node.isString() || node.stringValue().isBlank()) {
            problems.add(field + " must be a non-empty string");
            return null;
        }
        if (node.stringValue().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            // ids travel in HTTP headers and Kafka keys: control characters would break or smuggle headers
            problems.add(field + " must not contain control characters");
            return null;
        }
        return node.stringValue();
    }

    private static String optionalString(ObjectNode root, String field, List<String> problems) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            problems.add(field + " must be a string");
            return null;
        }
        return node.stringValue();
    }

    private static ObjectNode object(ObjectNode root, String field, boolean required, List<String> problems) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                problems.add(field + " is required");
            }
            return null;
        }
        if (!node.isObject()) {
            problems.add(field + " must be an object");
            return null;
        }
        return (ObjectNode) node;
    }

    private static List<String> stringArray(ObjectNode root, String field, List<String> problems) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            problems.add(field + " must be an array of strings");
            return List.of();
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isString()) {
                problems.add(field + " must be an array of strings");
                return List.of();
            }
            values.add(element.stringValue());
        }
        return values;
    }

    /** Jackson skips a leading byte order mark; a copy of the bytes inside another JSON document must not have one. */
    private static byte[] withoutByteOrderMark(byte[] value) {
        boolean mark = value.length >= 3 && (value[0] & 0xff) == 0xef && (value[1] & 0xff) == 0xbb
                && (value[2] & 0xff) == 0xbf;
        return mark ? Arrays.copyOfRange(value, 3, value.length) : value;
    }

    private static boolean isUtf8(byte[] value) {
        if (isAscii(value)) {
            return true; // most events: no need to decode them into a buffer only to throw it away
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean isAscii(byte[] value) {
        for (byte b : value) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }
}
