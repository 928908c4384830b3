package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.idp.push.support.HostileServer;
import com.idp.push.support.HostileServer.Behaviour;
import com.idp.push.support.IntegrationTest;
import com.idp.push.support.TopicReader;

/**
 * Hostile endpoints through the whole pipeline (HostileEndpointsTest covers every behaviour at the client):
 * one event fans out to a hanging endpoint, a redirect loop, a 1 GiB body and a well-behaved receiver.
 * The good receiver is served at once; the hanging one is retried at its timeout and dead-lettered; the
 * redirect is dead-lettered without a retry; the giant body is a success with its stored body capped.
 */
class HostileEndpointPipelineIT extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @Autowired
    private PipelineTopics topics;

    @Test
    void hostileEndpointsGetTheirOutcomesWithoutHoldingUpTheOthers() {
        String rule = unique("R");
        String task = unique("T");
        String path = "/" + unique("fine");
        String hangId = unique("WH_HANG");
        String redirectId = unique("WH_REDIRECT");
        String bigId = unique("WH_BIG");
        try (HostileServer hang = HostileServer.start(Behaviour.HANG);
                HostileServer redirect = HostileServer.start(Behaviour.REDIRECT_LOOP);
                HostileServer big = HostileServer.start(Behaviour.GIGABYTE_BODY)) {
            insertWebhook(hangId, hang.url("/h"), "s3cret", List.of(rule), "none", "{}", null, "{}", 1000);
            insertWebhook(redirectId, redirect.url("/loop"), "s3cret", rule);
            insertWebhook(bigId, big.url("/big"), "s3cret", rule);
            insertWebhook(unique("WH"), receiver.url(path), "s3cret", rule);

            long started = System.nanoTime();
            produce(topics.input(), task, event(task, rule));
            receiver.awaitRequests(path, 1, WAIT);
            long goodMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(goodMs).as("the good receiver is not held up by the hanging one").isLessThan(1_000);

            List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.await(topics.dlq(), r -> task.equals(TopicReader.key(r)), 2, WAIT);
            ConsumerRecord<byte[], byte[]> redirected = byWebhook(dead, redirectId);
            assertThat(TopicReader.header(redirected, "idp-failure-reason")).contains("redirects are not followed");
            assertThat(TopicReader.header(redirected, "idp-retry-count")).isEqualTo("0");
            ConsumerRecord<byte[], byte[]> hung = byWebhook(dead, hangId);
            assertThat(TopicReader.header(hung, "idp-failure-reason")).contains("timeout");
            assertThat(TopicReader.header(hung, "idp-retry-count")).isEqualTo("3");
            assertThat(hang.connections()).as("four attempts").isGreaterThanOrEqualTo(4);
            assertThat(redirect.requests()).as("the redirect was not followed").isEqualTo(1);

            await().atMost(WAIT).untilAsserted(() -> assertThat(jdbc.sql("""
                    select response_body from push_logs where webhook_id = ? and success""").param(bigId)
                    .query(String.class).list()).singleElement().satisfies(body -> assertThat(body.length()).isLessThan(70_000)));
            assertThat(big.bytesWritten()).isLessThan(32L << 20);
        }
    }

    private static ConsumerRecord<byte[], byte[]> byWebhook(List<ConsumerRecord<byte[], byte[]>> records, String webhook) {
        return records.stream().filter(r -> webhook.equals(TopicReader.header(r, "idp-webhook-id"))).findFirst().orElseThrow();
    }
}
