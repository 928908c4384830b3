package com.idp.push.local;

import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

import com.idp.push.webhook.WebhookNotFoundException;
import com.idp.push.webhook.WebhookRequest;
import com.idp.push.webhook.WebhookService;

/**
 * Creates the demo webhooks (once; they are kept in the local database) and prints where everything is.
 */
class DemoSetup {

    static final String DEMO_RULE = "RULE_DEMO";
    private static final Logger log = LoggerFactory.getLogger(DemoSetup.class);

    private final WebhookService webhooks;
    private final Environment environment;

    DemoSetup(WebhookService webhooks, Environment environment) {
        this.webhooks = webhooks;
        this.environment = environment;
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready() {
        String base = "http://localhost:" + environment.getProperty("local.server.port", "8080");
        for (String name : List.of("ok", "flaky", "down")) {
            String id = "WH_DEMO_" + name.toUpperCase();
            WebhookRequest demo = new WebhookRequest(id, "demo receiver: " + name, base + "/demo/receiver/" + name, true,
                    List.of(DEMO_RULE), "bearer", Map.of("token", "demo-token-" + name), null, null,
                    Map.of("X-Demo", name), 5000);
            try {
                webhooks.update(id, demo); // kept in the local database; refreshed in case the port changed
            } catch (WebhookNotFoundException missing) {
                webhooks.create(demo);
                log.info("Created demo webhook {}", id);
            }
        }
        String token = environment.getProperty("idp.push.api.tokens");
        System.out.printf("""

                ==================================================================================
                 idp-push is running locally (profile 'local')
                   console      %1$s/console/     sign in with the token below
                   API          %1$s/api/v1       token: %2$s
                   API docs     %1$s/swagger-ui.html
                   health       %1$s/actuator/health
                 Publish a demo event (it goes to the demo webhooks ok, flaky and down):
                   curl -s -X POST -H 'Authorization: Bearer %2$s' '%1$s/api/v1/demo/events?count=1'
                 Then follow a task:
                   curl -s -H 'Authorization: Bearer %2$s' %1$s/api/v1/tasks/<task_id>/push-status
                ==================================================================================

                """, base, token);
    }
}
