package com.idp.push.pushlog;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores DLQ records ({@code idp.push.dlq}) as a {@code dead_letters} row (status {@code pending}, the
 * record's key and value kept byte for byte for re-pushing) plus a {@code push_logs} row marked
 * dead-lettered, both in one transaction.
 *
 * <p>A dead letter is one per (delivery, attempts made), not per DLQ record: the same death produced twice
 * (a rewind, or a crash before the source offset was committed, which produces it again with a later
 * {@code dead_at}) is one row, so a re-push publishes the delivery once. The one exception is a death after
 * the row was re-pushed: a re-push that dies without making an attempt (the webhook was disabled or
 * deleted meanwhile) has the same number of attempts as the dead letter it re-pushed, and it must be
 * pending again, or the delivery would be neither delivered nor waiting for a re-push.
 */
final class DeadLetterWriter implements BatchWriter {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterWriter.class);

    private static final String STORED = """
            select count(*) from dead_letters where source_topic = ? and source_partition = ? and source_offset = ?""";

    /** Inserts the dead letter, or makes its re-pushed row pending again when it died after that re-push. */
    private static final String UPSERT_DEAD_LETTER = """
            insert into dead_letters (source_topic, source_partition, source_offset, delivery_id, task_id, webhook_id,
                failure_reason, last_http_status, retry_count, attempts, first_attempt_at, dead_at, record_key, record_value)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (delivery_id, attempts) do update set
                source_topic = excluded.source_topic, source_partition = excluded.source_partition,
                source_offset = excluded.source_offset, failure_reason = excluded.failure_reason,
                last_http_status = excluded.last_http_status, retry_count = excluded.retry_count,
                first_attempt_at = excluded.first_attempt_at, dead_at = excluded.dead_at,
                record_key = excluded.record_key, record_value = excluded.record_value,
                status = 'pending', requeued_at = null
            where dead_letters.status = 'requeued' and excluded.dead_at > dead_letters.requeued_at""";

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
                    if (upsert(record, dead)) {
                        logs.insert(List.of(marker(record, dead)));
                    } else {
                        log.debug("Dead letter delivery={} attempts={} from {}-{}@{} is already stored", dead.deliveryId(),
                                dead.attempts(), record.topic(), record.partition(), record.offset());
                    }
                });
            } catch (RuntimeException e) {
                if (!Sql.isDataError(e)) {
                    throw e;
                }
                rejects.reject(record, "refused by the database: " + e.getMessage());
            }
        }
    }

    /**
     * @return whether the dead letter is new (inserted, or pending again): only then does it get a marker in
     *         push_logs, so the task's log shows each death once
     */
    private boolean upsert(ConsumerRecord<byte[], byte[]> record, DeadLetter dead) {
        // The record itself stored already (the sink consumed it again): nothing to do. Checked apart from the
        // upsert, whose conflict target can be one unique index only.
        Long stored = jdbc.queryForObject(STORED, Long.class, record.topic(), record.partition(), record.offset());
        if (stored != null && stored > 0) {
            return false;
        }
        return jdbc.update(UPSERT_DEAD_LETTER, record.topic(), record.partition(), record.offset(), dead.deliveryId(),
                dead.taskId(), dead.webhookId(), dead.failureReason(), dead.lastHttpStatus(), dead.retryCount(),
                dead.attempts(), dead.firstAttemptAt() == null ? null : Timestamp.from(dead.firstAttemptAt()),
                Timestamp.from(dead.deadAt()), record.key(), record.value()) > 0;
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
