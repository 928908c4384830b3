package com.idp.push.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import com.idp.push.PushApplication;
import com.idp.push.delivery.HttpSender;
import com.idp.push.pipeline.PipelineTopics;
import com.idp.push.support.TestInfrastructure;
import com.idp.push.webhook.SecretCipher;
import com.idp.push.webhook.SecretLocation;
import com.idp.push.webhook.WebhookRegistry;

/**
 * idp-push started in-process, as in production but pointed at the benchmark's broker and database,
 * with settings the scenarios need: six partitions and short retry delays (S5). Everything else is the
 * shipped default, the 30 s deadline that S4's endpoint that never answers runs into, the engine's
 * windows and the per-endpoint guards included. Application logs go to {@code target/bench/app.log}.
 */
final class BenchApp implements AutoCloseable {

    static final int PARTITIONS = 6;
    static final List<Integer> RETRY_DELAYS_S = List.of(1, 2, 3);
    static final int FIRST_RETRY_DELAY_S = RETRY_DELAYS_S.get(0);
    private static final String ENCRYPTION_KEY = "aWRwLXB1c2gtYmVuY2htYXJrLWtleS0wMTIzNDU2Nzg=";

    private final ConfigurableApplicationContext context;

    BenchApp(TestInfrastructure infrastructure, Map<String, String> overrides) {
        Map<String, String> p = new LinkedHashMap<>(infrastructure.springProperties());
        p.put("server.port", "0");
        p.put("logging.config", "classpath:bench-logback.xml");
        p.put("idp.push.topics.partitions", Integer.toString(PARTITIONS));
        p.put("idp.push.retry.delays", RETRY_DELAYS_S.stream().map(String::valueOf).collect(Collectors.joining(",")));
        p.put("idp.push.retry.retry-after-max", "5");
        p.put("idp.push.webhooks.refresh-interval", "200");
        p.put("idp.push.api.tokens", "bench-api-token-0123456789");
        p.put("idp.push.security.allowed-cidrs", "127.0.0.0/8,::1/128");
        p.put("idp.push.encryption.key", ENCRYPTION_KEY);
        p.putAll(overrides);
        List<String> args = new ArrayList<>();
        p.forEach((k, v) -> args.add("--" + k + "=" + v));
        SpringApplication app = new SpringApplication(PushApplication.class);
        app.setWebApplicationType(WebApplicationType.SERVLET);
        app.setLogStartupInfo(false);
        this.context = app.run(args.toArray(String[]::new));
    }

    HttpSender sender() {
        return context.getBean(HttpSender.class);
    }

    PipelineTopics topics() {
        return context.getBean(PipelineTopics.class);
    }

    /** Adds a webhook for the rule (secrets encrypted as the service stores them) and reloads the registry. */
    void addWebhook(String id, String url, String ruleId) {
        SecretCipher cipher = context.getBean(SecretCipher.class);
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        jdbc.sql("""
                insert into webhooks (id, name, url, enabled, auth_type, auth_config, secret_key, headers)
                values (:id, :id, :url, true, 'bearer', cast(:auth as jsonb), :secret, '{}'::jsonb)""")
                .param("id", id).param("url", url)
                .param("auth", "{\"token\":\"" + cipher.encrypt(SecretLocation.authConfig(id, "token"), "tok-" + id) + "\"}")
                .param("secret", cipher.encrypt(SecretLocation.signingKey(id), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                .update();
        jdbc.sql("insert into webhook_rules (webhook_id, rule_id) values (?, ?)").params(id, ruleId).update();
        context.getBean(WebhookRegistry.class).refresh();
    }

    /** Deliveries put back in a delay topic unattempted so far (endpoint busy: its bulkhead was full). */
    long deferred() {
        return (long) context.getBean(MeterRegistry.class).find("idp.push.deferred").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    long pushLogRows(String taskPrefix) {
        return context.getBean(JdbcClient.class).sql("select count(*) from push_logs where task_id like ?")
                .param(taskPrefix + "%").query(Long.class).single();
    }

    @Override
    public void close() {
        context.close();
    }
}
