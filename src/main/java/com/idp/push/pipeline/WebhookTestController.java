package com.idp.push.pipeline;

import java.time.Instant;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import com.idp.push.delivery.PushResult;
import com.idp.push.event.ParsedEvent;
import com.idp.push.event.TaskEventParser;
import com.idp.push.webhook.WebhookNotFoundException;
import com.idp.push.webhook.WebhookRegistry;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/v1/webhooks/{id}/test}: one signed delivery of a sample event now, to the webhook as
 * configured (even when disabled), answered with the push result. Logged like any attempt, with stage
 * {@code api} and a task id starting with {@code TEST_}; never retried. A webhook this instance cannot load
 * answers a failed push result naming the problem, as its deliveries do.
 */
@RestController
class WebhookTestController {

    private final WebhookRegistry registry;
    private final PushService pushService;
    private final TaskEventParser parser;
    private final JsonMapper json;

    WebhookTestController(WebhookRegistry registry, PushService pushService, TaskEventParser parser, JsonMapper json) {
        this.registry = registry;
        this.pushService = pushService;
        this.parser = parser;
        this.json = json;
    }

    @PostMapping("/api/v1/webhooks/{id}/test")
    PushResult test(@PathVariable String id) {
        registry.refresh();
        var webhook = registry.lookup(id).orElseThrow(() -> new WebhookNotFoundException(id));
        Instant now = Instant.now();
        String rule = webhook.ruleIds().stream().sorted().findFirst().orElse("*");
        ObjectNode event = json.createObjectNode();
        event.put("task_id", "TEST_" + now.toEpochMilli());
        event.put("rule_id", rule);
        event.putObject("result_json").put("test", true);
        event.putObject("meta_info").put("source", "idp-push test delivery");
        event.put("event_id", "test-" + id + "-" + now.toEpochMilli());
        event.put("completed_at", now.toString());
        ParsedEvent parsed = parser.parse(event);
        return pushService.pushToWebhook(((ParsedEvent.Valid) parsed).event(), webhook);
    }
}
