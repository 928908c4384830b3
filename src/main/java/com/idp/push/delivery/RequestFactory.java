package com.idp.push.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

import com.idp.push.event.TaskEvent;
import com.idp.push.webhook.AuthConfig;
import com.idp.push.webhook.Webhook;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the signed request of one attempt (SPEC §3): body from the webhook's template or the default
 * body, then the signatures over those exact bytes, the identity headers, auth, and static headers.
 * The body depends only on the event, the delivery and the template, so every attempt sends the same
 * bytes; only the timestamp and signatures change. Thread-safe.
 */
public final class RequestFactory {

    private final JsonMapper json;
    private final Duration defaultTimeout;
    private final String userAgent;
    private final TemplateLimits templateLimits;

    public RequestFactory(JsonMapper json, Duration defaultTimeout, String userAgent, TemplateLimits templateLimits) {
        this.json = json;
        this.defaultTimeout = defaultTimeout;
        this.userAgent = userAgent;
        this.templateLimits = templateLimits;
    }

    /**
     * @throws TemplateRenderException when the webhook's template does not render valid JSON for this
     *         event or goes over its limits; the attempt fails without retry
     */
    public DeliveryRequest build(TaskEvent event, String deliveryId, Webhook webhook, int attempt, Instant now) {
        byte[] body = webhook.bodyTemplate() == null
                ? defaultBody(event, deliveryId)
                : webhook.bodyTemplate().render(variables(event, deliveryId, webhook), templateLimits);
        long timestamp = now.getEpochSecond();
        String secret = webhook.secretKey();

        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        webhook.headers().forEach((name, value) -> {
            if (!PushHeaders.isReserved(name)) {
                headers.put(name, value);
            }
        });
        headers.put(PushHeaders.CONTENT_TYPE, "application/json");
        headers.put(PushHeaders.USER_AGENT, userAgent);
        headers.put(PushHeaders.TIMESTAMP, Long.toString(timestamp));
        headers.put(PushHeaders.SIGNATURE, Signatures.idpSignature(secret, timestamp, body));
        headers.put(PushHeaders.DELIVERY_ID, deliveryId);
        headers.put(PushHeaders.TASK_ID, event.taskId());
        headers.put(PushHeaders.WEBHOOK_ID, webhook.id());
        headers.put(PushHeaders.ATTEMPT, Integer.toString(attempt));
        headers.put(PushHeaders.STANDARD_ID, deliveryId);
        headers.put(PushHeaders.STANDARD_TIMESTAMP, Long.toString(timestamp));
        headers.put(PushHeaders.STANDARD_SIGNATURE,
                Signatures.standardWebhooksSignature(secret, deliveryId, timestamp, body));
        addAuth(webhook.auth(), headers);
        Duration timeout = webhook.timeout() == null ? defaultTimeout : webhook.timeout();
        return new DeliveryRequest(webhook.url(), headers, body, timeout);
    }

    private static void addAuth(AuthConfig auth, Map<String, String> headers) {
        if (auth instanceof AuthConfig.Basic basic) {
            String pair = basic.username() + ":" + basic.password();
            headers.put(PushHeaders.AUTHORIZATION,
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else if (auth instanceof AuthConfig.Bearer bearer) {
            headers.put(PushHeaders.AUTHORIZATION, "Bearer " + bearer.token());
        } else if (auth instanceof AuthConfig.ApiKey apiKey) {
            headers.put(apiKey.keyName(), apiKey.keyValue());
        }
    }

    /** Streamed rather than built as a tree first: this runs for every delivery without a template. */
    private byte[] defaultBody(TaskEvent event, String deliveryId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("event", "task.completed");
            g.writeStringProperty("delivery_id", deliveryId);
            g.writeStringProperty("task_id", event.taskId());
            g.writeStringProperty("rule_id", event.ruleId());
            g.writeName("result_json");
            g.writeTree(event.resultJson());
            g.writeStringProperty("file_url", event.fileUrl());
            g.writeName("meta_info");
            g.writeTree(event.metaInfo());
            g.writeStringProperty("completed_at", event.completedAt());
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static TemplateVariables variables(TaskEvent event, String deliveryId, Webhook webhook) {
        return new TemplateVariables(event.taskId(), event.ruleId(), event.fileUrl(), event.completedAt(),
                deliveryId, webhook.id(), event.resultJson(), event.metaInfo());
    }
}
