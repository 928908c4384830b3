package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.dao.DataAccessResourceFailureException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The {@code pushLogSinks} health component and the sink metrics, read from {@link SinkStatus}. */
class PushLogSinksHealthIndicatorTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final SinkStatus attemptLog = new SinkStatus("attempt-log", "attempt-log sink", now::get);
    private final SinkStatus dlq = new SinkStatus("dlq", "DLQ sink", now::get);
    private final PushLogSinksHealthIndicator indicator = new PushLogSinksHealthIndicator(List.of(attemptLog, dlq), now::get);

    @Test
    void upWhileEverySinkStores() {
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("attempt-log sink", "storing").containsEntry("DLQ sink", "storing");
    }

    @Test
    void downWhileOneWaitsOutAnOutageWithSinceWhenWhatItHoldsAndTheCauseThenUpAgain() {
        RuntimeException failure = new DataAccessResourceFailureException(
                "Batch entry 0 insert into push_logs (...) values ('secret body') was aborted",
                new SocketTimeoutException("Read timed out"));
        assertThat(attemptLog.waiting(500, failure)).as("begins the wait").isTrue();
        now.addAndGet(12_000);
        assertThat(attemptLog.waiting(480, failure)).as("the same wait goes on").isFalse();

        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("attempt-log sink",
                "waiting for the database since 1970-01-01T00:16:40Z (12 s), 480 records pending:"
                        + " java.net.SocketTimeoutException: Read timed out")
                .containsEntry("DLQ sink", "storing");
        assertThat(health.getDetails().toString()).as("no row data in health").doesNotContain("secret body");

        attemptLog.storing();
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void theGaugeShowsTheWaitAndTheCounterCountsEachWaitOnce() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SinkMetrics.bind(meters, List.of(attemptLog, dlq));
        RuntimeException failure = new DataAccessResourceFailureException("connection refused");

        attemptLog.waiting(7, failure);
        attemptLog.waiting(7, failure);
        assertThat(meters.get("idp.push.sink.paused").tag("sink", "attempt-log").gauge().value()).isEqualTo(1);
        assertThat(meters.get("idp.push.sink.paused").tag("sink", "dlq").gauge().value()).isZero();
        assertThat(meters.get("idp.push.sink.pending.records").tag("sink", "attempt-log").gauge().value()).isEqualTo(7);
        assertThat(meters.get("idp.push.sink.outage.waits").tag("sink", "attempt-log").functionCounter().count()).isEqualTo(1);

        attemptLog.storing();
        attemptLog.waiting(3, failure);
        attemptLog.storing();
        assertThat(meters.get("idp.push.sink.paused").tag("sink", "attempt-log").gauge().value()).isZero();
        assertThat(meters.get("idp.push.sink.pending.records").tag("sink", "attempt-log").gauge().value()).isZero();
        assertThat(meters.get("idp.push.sink.outage.waits").tag("sink", "attempt-log").functionCounter().count()).isEqualTo(2);
        assertThat(meters.get("idp.push.sink.outage.waits").tag("sink", "dlq").functionCounter().count()).isZero();
    }
}
