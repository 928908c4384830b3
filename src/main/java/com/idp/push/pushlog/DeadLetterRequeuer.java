package com.idp.push.pushlog;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import com.idp.push.pipeline.OutboundProducer;
import com.idp.push.pipeline.PipelineTopics;

/**
 * Re-pushes pending dead letters: publishes each stored DLQ record, key and value byte for byte, to the
 * replay topic (exactly what a Kafka-tooling replay does) and marks it requeued.
 *
 * <p>The rows are locked for the whole call and marked only after Kafka acknowledged every record, so a
 * concurrent or repeated call finds nothing left to re-push (each dead letter is re-pushed once), and a
 * failed publish leaves them pending for the next try.
 */
@Component
public class DeadLetterRequeuer {

    private static final long PUBLISH_TIMEOUT_SECONDS = 30;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final OutboundProducer producer;
    private final PipelineTopics topics;
    private final Clock clock;

    DeadLetterRequeuer(JdbcClient jdbc, TransactionTemplate transactions, OutboundProducer producer,
            PipelineTopics topics, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.producer = producer;
        this.topics = topics;
        this.clock = clock;
    }

    /**
     * @param webhookId only this webhook's dead letters, or all of the task's when null
     * @return the dead letters re-pushed, as they are now (status requeued); empty when none was pending
     * @throws RequeueFailedException when Kafka did not take the records (nothing is marked)
     */
    public List<DeadLetterView> requeue(String taskId, String webhookId) {
        return transactions.execute(status -> {
            List<Pending> pending = jdbc.sql("""
                    select id, record_key, record_value from dead_letters
                     where task_id = :task and status = 'pending'
                       and (cast(:webhook as text) is null or webhook_id = :webhook)
                     order by id
                     for update""")
                    .param("task", taskId).param("webhook", webhookId)
                    .query((rs, row) -> new Pending(rs.getLong("id"), rs.getBytes("record_key"), rs.getBytes("record_value")))
                    .list();
            if (pending.isEmpty()) {
                return List.of();
            }
            // taken before the records go out: a replay that dies at once (its webhook disabled) is dead again before
            // publish returns, and its dead letter, dead_at after this, must count as newer than the re-push
            // (DeadLetterWriter keeps a requeued row requeued for a dead letter older than requeued_at)
            Instant requeuedAt = clock.instant();
            publish(pending);
            List<Long> ids = pending.stream().map(Pending::id).toList();
            jdbc.sql("update dead_letters set status = 'requeued', requeued_at = :now where id in (:ids)")
                    .param("now", Timestamp.from(requeuedAt)).param("ids", ids).update();
            return jdbc.sql("select * from dead_letters where id in (:ids) order by id")
                    .param("ids", ids).query(PushLogQueries::deadLetter).list();
        });
    }

    private void publish(List<Pending> pending) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (Pending p : pending) {
            acks.add(producer.send(topics.replay(), p.key(), p.value(), new RecordHeaders()));
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(PUBLISH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequeueFailedException("interrupted while publishing to " + topics.replay());
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new RequeueFailedException("Kafka did not accept the records for " + topics.replay() + ": "
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
    }

    private record Pending(long id, byte[] key, byte[] value) {
    }
}
