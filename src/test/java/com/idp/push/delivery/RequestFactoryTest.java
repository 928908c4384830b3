package com.idp.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import com.idp.push.event.ParsedEvent;
import com.idp.push.event.TaskEvent;
import com.idp.push.event.TaskEventParser;
import com.idp.push.webhook.AuthConfig;
import com.idp.push.webhook.Webhook;

import tools.jackson.databind.json.JsonMapper;

class RequestFactoryTest {

    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    private static final String SECRET = "plain-signing-secret";

    private final RequestFactory factory =
            new RequestFactory(JsonMapper.builder().build(), Duration.ofSeconds(30), "Enterprise IDP Platform/1.0.0",
                    TemplateLimits.DEFAULT);

    @Test
    void defaultBodyHasTheContractsFieldsInOrderAndNullsForAbsentOnes() {
        TaskEvent event = event("""
                {"task_id":"T_1","rule_id":"R_1","result_json":{"amount":12.5,"note":"a \\"quoted\\" é"},"extra":1}""");

        DeliveryRequest request = factory.build(event, "dlv_1", webhook(Map.of(), new AuthConfig.None()), 1, NOW);

        assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"event\":\"task.completed\",\"delivery_id\":\"dlv_1\",\"task_id\":\"T_1\",\"rule_id\":\"R_1\","
                        + "\"result_json\":{\"amount\":12.5,\"note\":\"a \\\"quoted\\\" é\"},\"file_url\":null,"
                        + "\"meta_info\":null,\"completed_at\":null}");
    }

    @Test
    void signsTheExactBodyBytesAndSetsTheIdentityHeaders() throws Exception {
        TaskEvent event = event("""
                {"task_id":"T_1","rule_id":"R_1","result_json":{},"file_url":"https://f/1.pdf",
                 "meta_info":{"customer":"ACME"},"completed_at":"2026-11-29T09:59:00Z"}""");

        DeliveryRequest request = factory.build(event, "dlv_1", webhook(Map.of(), new AuthConfig.Bearer("tok")), 3, NOW);

        Map<String, String> headers = request.headers();
        String timestamp = Long.toString(NOW.getEpochSecond());
        assertThat(headers.get("X-IDP-Timestamp")).isEqualTo(timestamp);
        assertThat(headers.get("X-IDP-Signature")).isEqualTo("sha256=" + HexFormat.of().formatHex(
                hmac(SECRET.getBytes(StandardCharsets.UTF_8), timestamp + ".", request.body())));
        assertThat(headers.get("webhook-signature")).isEqualTo("v1," + java.util.Base64.getEncoder().encodeToString(
                hmac(SECRET.getBytes(StandardCharsets.UTF_8), "dlv_1." + timestamp + ".", request.body())));
        assertThat(headers).containsEntry("X-IDP-Delivery-Id", "dlv_1").containsEntry("webhook-id", "dlv_1")
                .containsEntry("X-IDP-Task-Id", "T_1").containsEntry("X-IDP-Webhook-Id", "WH_1")
                .containsEntry("X-IDP-Attempt", "3").containsEntry("Authorization", "Bearer tok")
                .containsEntry("Content-Type", "application/json")
                .containsEntry("User-Agent", "Enterprise IDP Platform/1.0.0");
        assertThat(new String(request.body(), StandardCharsets.UTF_8))
                .contains("\"file_url\":\"https://f/1.pdf\",\"meta_info\":{\"customer\":\"ACME\"},"
                        + "\"completed_at\":\"2026-11-29T09:59:00Z\"}");
    }

    @Test
    void staticHeadersCannotReplaceTheSignatureOrIdentityHeaders() {
        TaskEvent event = event("{\"task_id\":\"T_1\",\"rule_id\":\"R_1\",\"result_json\":{}}");
        Map<String, String> staticHeaders = Map.of("x-idp-signature", "sha256=forged", "X-Tenant", "acme",
                "content-type", "text/plain");

        DeliveryRequest request = factory.build(event, "dlv_1", webhook(staticHeaders, new AuthConfig.None()), 1, NOW);

        assertThat(request.headers().get("X-IDP-Signature")).isNotEqualTo("sha256=forged").startsWith("sha256=");
        assertThat(request.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(request.headers()).containsEntry("X-Tenant", "acme");
    }

    private static TaskEvent event(String json) {
        ParsedEvent parsed = new TaskEventParser().parse(json.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed).isInstanceOf(ParsedEvent.Valid.class);
        return ((ParsedEvent.Valid) parsed).event();
    }

    private static Webhook webhook(Map<String, String> headers, AuthConfig auth) {
        return new Webhook("WH_1", "hook", URI.create("https://example.com/hook"), true, Set.of("R_1"), auth, SECRET,
                null, headers, null);
    }

    private static byte[] hmac(byte[] key, String prefix, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(prefix.getBytes(StandardCharsets.UTF_8));
        return mac.doFinal(body);
    }
}
