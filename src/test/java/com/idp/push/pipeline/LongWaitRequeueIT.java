package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.idp.push.config.PushProperties;
import com.idp.push.support.IntegrationTest;
import com.idp.push.support.ReceivedRequest;

/**
 * A delay record that waits longer than its topic's delay (a receiver asked for it with Retry-After) must
 * not hold back the records behind it in its partition: those are due after their own topic delay, and
 * are attempted then, while the long wait is kept (SPEC §4: no earlier than Retry-After). The test context
 * delays retries by 1, 2 and 3 s and caps Retry-After at 5 s; both records go to the 1 s topic with one key.
 */
class LongWaitRequeueIT extends IntegrationTest {

    private static final Duration SLACK = Duration.ofMillis(2_500);

    @Autowired
    private PushProperties properties;

    @Test
    void aRecordWaitingPastItsTopicsDelayDoesNotHoldTheRecordsBehindIt() {
        String topic = properties.topics().retryPrefix() + "1s";
        String rule = unique("R");
        String path = "/" + unique("longwait");
        String webhook = unique("WH");
        insertWebhook(webhook, receiver.url(path), "s3cret", rule);
        String key = unique("K");
        String waiting = unique("D");
        String behind = unique("D");

        Instant longDue = Instant.now().plusSeconds(5); // a Retry-After of 5 s, the cap
        produce(topic, key, delivery(waiting, webhook, key, rule), due(longDue));
        Instant produced = Instant.now();
        produce(topic, key, delivery(behind, webhook, key, rule), due(produced.plusSeconds(1)));

        List<ReceivedRequest> got = receiver.awaitRequests(path, 2, Duration.ofSeconds(20));
        ReceivedRequest first = byDelivery(got, behind);
        ReceivedRequest second = byDelivery(got, waiting);
        assertThat(first.receivedAt()).as("the record behind is attempted after its own 1 s, not after the 5 s wait")
                .isBefore(produced.plusSeconds(1).plus(SLACK));
        assertThat(second.receivedAt()).as("the long wait is kept").isAfterOrEqualTo(longDue.minusMillis(50))
                .isBefore(longDue.plus(SLACK));
        assertThat(second.header("X-IDP-Attempt")).as("moved, not retried: the same attempt").isEqualTo("2");
        assertThat(got).as("each attempted once").hasSize(2);
    }

    private static RecordHeader due(Instant at) {
        return new RecordHeader(PipelineHeaders.DUE_AT, Long.toString(at.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
    }

    private static String delivery(String deliveryId, String webhook, String task, String rule) {
        return "{\"delivery_id\":\"%s\",\"webhook_id\":\"%s\",\"attempt\":2,\"retry\":1,\"event\":%s}"
                .formatted(deliveryId, webhook, event(task, rule));
    }

    private static ReceivedRequest byDelivery(List<ReceivedRequest> requests, String deliveryId) {
        return requests.stream().filter(r -> deliveryId.equals(r.header("X-IDP-Delivery-Id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no request of delivery " + deliveryId + " in " + requests));
    }
}
