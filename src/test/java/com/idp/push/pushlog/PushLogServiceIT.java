package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.idp.push.delivery.CappedBody;
import com.idp.push.delivery.PushResult;
import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.IntegrationTest;

/** The Java facade mirroring the seed: save and read logs, dead-letter by task id, list and re-push. */
class PushLogServiceIT extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    private PushLogService service;
    @Autowired
    private PipelineTopics topics;

    @Test
    void savePushLogStoresARedactedCappedRowThatGetPushLogsReturns() {
        String task = unique("T");
        String hugeBody = "x".repeat(PushLogService.MAX_STORED_BODY_CHARS + 10);

        service.savePushLog(new PushLogEntry(task, "WH_FACADE", null, 0, "https://hooks.example/in",
                Map.of("Authorization", "Bearer top-secret-token", "X-IDP-Signature", "sha256=abc", "X-Trace", "t1"),
                "{\"a\":1}", new PushResult(false, 500, hugeBody, "HTTP 500", 42)));

        var logs = service.getPushLogs(task);
        assertThat(logs).hasSize(1);
        var row = logs.get(0);
        assertThat(row.requestHeaders()).containsEntry("Authorization", "***").containsEntry("X-IDP-Signature", "***")
                .containsEntry("X-Trace", "t1");
        assertThat(row.responseBody()).hasSize(PushLogService.MAX_STORED_BODY_CHARS + CappedBody.TRUNCATION_MARK.length())
                .endsWith(CappedBody.TRUNCATION_MARK);
        assertThat(row.httpStatus()).isEqualTo(500);
        assertThat(row.success()).isFalse();
        assertThat(row.durationMs()).isEqualTo(42);
    }

    @Test
    void moveToDlqThenRetryDlqTaskDeliversTheStoredEvent() {
        String rule = unique("R");
        String task = unique("T");
        String webhook = unique("WH");
        String path = "/" + unique("facade");
        receiver.on(path).respond(200);
        insertWebhook(webhook, receiver.url(path), "s3cret-signing", rule);
        produce(topics.input(), task, event(task, rule));
        await().atMost(WAIT).until(() -> service.getPushLogs(task).size() == 1); // also stores the task's event

        service.moveToDlq(task, webhook, "customer asked to hold", 3);

        await().atMost(WAIT).until(() -> service.getDlqTasks(1000).stream().anyMatch(d -> d.taskId().equals(task)));
        var dead = service.getDlqTasks(1000).stream().filter(d -> d.taskId().equals(task)).findFirst().orElseThrow();
        assertThat(dead.webhookId()).isEqualTo(webhook);
        assertThat(dead.failureReason()).isEqualTo("customer asked to hold");
        assertThat(dead.retryCount()).isEqualTo(3);

        assertThat(service.retryDlqTask(task, webhook)).hasSize(1);
        assertThat(service.retryDlqTask(task, webhook)).isEmpty();
        receiver.awaitRequests(path, 2, WAIT);
        assertThat(receiver.requests(path).get(1).bodyText()).contains(task);
    }

    @Test
    void moveToDlqOfAnUnknownTaskSaysSo() {
        assertThatThrownBy(() -> service.moveToDlq(unique("T"), "WH", "reason", 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no event is stored");
    }
}
