package com.idp.push.pushlog;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores DLQ records ({@code idp.push.dlq}) as a {@code dead_letters} row (status {@code pending}, the
 * record's key and value kept byte for byte for re-pushing) plus a {@code push_logs} row marked
 * dead-lettered, both in one transaction, idempotent by topic, partition and offset.
 */
final class DeadLetterWriter implements BatchWriter {

    private static final String INSERT_DEAD_LETTER = """
            insert into dead_letters (source_topic, source_partition, source_offset, delivery_id, task_id, webhook_id,
                failure_reason, last_http_status, retry_count, attempts, first_attempt_at, dead_at, record_key, record_value)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (source_topic, source_partition, source_offset) do nothing""";

    private final JsonMapper json;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final PushLogStore logs;
    private final SinkRejects rejects;

    DeadLetterWriter(JsonMapper json, JdbcTemplate jdbc, TransactionTemplate transactions, PushLogStore logs,
            SinkRejects rejects) {
        this.json = json;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.logs = logs;
        this.rejects = rejects;
    }

    @Override
    public void write(List<ConsumerRecord<byte[], byte[]>> batch) {
        // Dead letters are few; one transaction per record keeps a bad record from affecting the others.
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            DeadLetter dead;
            try {
                dead = decode(record.value());
            } catch (RuntimeException e) {
                rejects.reject(record, "unreadable DLQ record: " + e.getMessage());
                continue;
            }
            try {
                transactions.executeWithoutResult(status -> {
                    insert(record, dead);
                    logs.insert(List.of(marker(record, dead)));
                });
            } catch (RuntimeException e) {
                if (!Sql.isDataError(e)) {
                    throw e;
                }
                rejects.reject(record, "refused by the database: " + e.getMessage());
            }
        }
    }

    private void insert(ConsumerRecord<byte[], byte[]> record, DeadLetter dead) {
        jdbc.update(INSERT_DEAD_LETTER, record.topic(), record.partition(), record.offset(), dead.deliveryId(),
                dead.taskId(), dead.webhookId(), dead.failureReason(), dead.lastHttpStatus(), dead.retryCount(),
                dead.attempts(), dead.firstAttemptAt() == null ? null : Timestamp.from(dead.firstAttemptAt()),
                Timestamp.from(dead.deadAt()), record.key(), record.value());
    }

    /** The push_logs row that shows the dead letter in a task's log, after its last attempt. */
    private static AttemptRow marker(ConsumerRecord<byte[], byte[]> record, DeadLetter dead) {
        return new AttemptRow("dlq:" + record.topic() + ":" + record.partition() + ":" + record.offset(),
                dead.taskId(), dead.webhookId(), dead.deliveryId(), Math.max(dead.attempts() - 1, 0),
                dead.lastHttpStatus(), null, "{}", null, "{}", null, 0, false, "dead", dead.failureReason(), "dlq",
                true, dead.deadAt(), null);
    }

    private DeadLetter decode(byte[] value) {
        JsonNode node;
        try {
            node = json.readTree(value);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        int retryCount = node.path("retry_count").asInt(0);
        return new DeadLetter(required(node, "delivery_id"), required(node, "task_id"), required(node, "webhook_id"),
                Sql.clean(node.path("failure_reason").asString(null)),
                node.path("last_http_status").isNumber() ? node.get("last_http_status").asInt() : null,
                retryCount, node.path("attempts").asInt(retryCount + 1),
                instant(node, "first_attempt_at"),
                node.hasNonNull("dead_at") ? instant(node, "dead_at") : Instant.now());
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.asString().isEmpty()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return Sql.clean(value.asString());
    }

    private static Instant instant(JsonNode node, String field) {
        return node.hasNonNull(field) ? Instant.parse(node.get(field).asString()) : null;
    }

    private record DeadLetter(String deliveryId, String taskId, String webhookId, String failureReason,
            Integer lastHttpStatus, int retryCount, int attempts, Instant firstAttemptAt, Instant deadAt) {
    }
}
