package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import com.idp.push.support.IntegrationTest;
import com.idp.push.support.ReceivedRequest;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * A burst to one slow but healthy endpoint beyond its bulkhead: the refused deliveries wait in the delay
 * topic and are delivered later as the first attempt they still are, spending no retry and writing no
 * log row for the refusal.
 *
 * <p>Its own context (a bulkhead of 3) with its own topics and consumer groups: the shared context stays
 * running beside it, and must neither see these records nor lose partitions to this context.
 */
@TestPropertySource(properties = {
        "idp.push.endpoints.max-concurrent=3",
        "idp.push.topics.input=busy.task.completed",
        "idp.push.topics.invalid=busy.push.invalid",
        "idp.push.topics.replay=busy.push.replay",
        "idp.push.topics.dlq=busy.push.dlq",
        "idp.push.topics.attempts=busy.push.attempts",
        "idp.push.topics.retry-prefix=busy.push.retry-",
        "idp.push.engine.group-id=idp-push-busy",
        "idp.push.sinks.log-group-id=idp-push-busy-log-sink",
        "idp.push.sinks.dlq-group-id=idp-push-busy-dlq-sink"})
class BusyEndpointIT extends IntegrationTest {

    @Autowired
    private PipelineTopics topics;
    @Autowired
    private MeterRegistry meters;

    @Test
    void deliveriesRefusedByAFullBulkheadAreDeferredNotFailed() {
        String rule = unique("R");
        String path = "/" + unique("busy");
        receiver.on(path).delay(Duration.ofMillis(1500)).respond(200);
        insertWebhook(unique("WH"), receiver.url(path), "s3cret-signing", rule);
        List<String> tasks = IntStream.range(0, 10).mapToObj(i -> unique("T")).toList();

        tasks.forEach(task -> produce(topics.input(), task, event(task, rule)));

        List<ReceivedRequest> received = receiver.awaitRequests(path, 10, Duration.ofSeconds(30));
        assertThat(received).extracting(r -> r.header("X-IDP-Attempt")).containsOnly("1");
        assertThat(meters.find("idp.push.deferred").counter()).isNotNull();
        assertThat(meters.find("idp.push.deferred").counter().count()).isPositive();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                "select count(*) from push_logs where task_id = any(?)").param(tasks.toArray(String[]::new))
                .query(Long.class).single() == 10);
        assertThat(jdbc.sql("select count(*) from push_logs where task_id = any(?) and (retry_count <> 0 or not success)")
                .param(tasks.toArray(String[]::new)).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from dead_letters where task_id = any(?)")
                .param(tasks.toArray(String[]::new)).query(Long.class).single()).isZero();
    }
}
