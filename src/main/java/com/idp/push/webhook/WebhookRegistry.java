package com.idp.push.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import com.idp.push.event.TaskEvent;

import tools.jackson.databind.json.JsonMapper;

/**
 * The delivery path's view of the webhooks: an immutable in-memory snapshot, swapped whole when the
 * registry version in Postgres changes (checked every {@code idp.push.webhooks.refresh-interval}).
 * Lookups never touch the database, so deliveries go on while Postgres is down, with the last snapshot.
 *
 * <p>A webhook whose secrets cannot be decrypted (key not configured, value altered) keeps its last good
 * copy if this instance had loaded one, and is otherwise left out, with an error naming the webhook and
 * the key id.
 *
 * <p>Thread-safe: readers see one consistent snapshot; only the scheduler thread refreshes.
 */
@Component
public class WebhookRegistry {

    private static final Logger log = LoggerFactory.getLogger(WebhookRegistry.class);

    private final WebhookRepository repository;
    private final WebhookAssembler assembler;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private volatile Snapshot snapshot = new Snapshot(-1, Map.of(), Map.of());
    private volatile boolean lastRefreshFailed;

    WebhookRegistry(WebhookRepository repository, SecretCipher cipher, JsonMapper json) {
        this.repository = repository;
        this.assembler = new WebhookAssembler(cipher, json);
    }

    /** The enabled webhooks an event goes to: bound to its rule or to "*", narrowed by its webhook_ids. */
    public List<Webhook> resolve(TaskEvent event) {
        Snapshot current = snapshot;
        Map<String, Webhook> matches = new LinkedHashMap<>();
        for (String rule : List.of(event.ruleId(), Webhook.ANY_RULE)) {
            for (Webhook webhook : current.byRule().getOrDefault(rule, List.of())) {
                if (webhook.enabled() && (event.webhookIds().isEmpty() || event.webhookIds().contains(webhook.id()))) {
                    matches.putIfAbsent(webhook.id(), webhook);
                }
            }
        }
        return List.copyOf(matches.values());
    }

    /** The webhook as it is now (enabled or not), for retries and replays. */
    public Optional<Webhook> find(String webhookId) {
        return Optional.ofNullable(snapshot.byId().get(webhookId));
    }

    /** Waits for the first successful load; the pipeline must not resolve events against an empty registry. */
    public boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isLoaded() {
        return loaded.getCount() == 0;
    }

    @Scheduled(fixedDelayString = "${idp.push.webhooks.refresh-interval:1000}")
    void refreshOnSchedule() {
        try {
            refresh();
            if (lastRefreshFailed) {
                log.info("Webhook registry reachable again (version {})", snapshot.version());
            }
            lastRefreshFailed = false;
        } catch (RuntimeException e) {
            if (!lastRefreshFailed) {
                log.warn("Webhook registry refresh failed, delivering with the last loaded webhooks: {}", e.toString());
            }
            lastRefreshFailed = true;
        }
    }

    /** Reloads when the stored version moved. Also called after the API changes a webhook. */
    public synchronized void refresh() {
        long version = repository.version();
        if (version == snapshot.version()) {
            return;
        }
        Snapshot previous = snapshot;
        Map<String, Webhook> byId = new HashMap<>();
        Map<String, List<Webhook>> byRule = new HashMap<>();
        for (WebhookRow row : repository.findAll()) {
            Webhook webhook;
            try {
                webhook = assembler.assemble(row);
            } catch (SecretDecryptionException e) {
                webhook = previous.byId().get(row.id());
                if (webhook == null) {
                    log.error("{}. This webhook is not delivered until that is fixed", e.getMessage());
                    continue;
                }
                // e.g. another instance re-encrypted it under a key this one does not have yet (a rolling key change)
                log.error("{}. Still delivering this webhook with the copy loaded before; "
                        + "its stored changes apply here once the key is configured", e.getMessage());
            } catch (RuntimeException e) {
                log.error("Webhook {} is unusable and skipped: {}", row.id(), e.getMessage());
                continue;
            }
            byId.put(webhook.id(), webhook);
            for (String rule : webhook.ruleIds()) {
                byRule.computeIfAbsent(rule, r -> new ArrayList<>()).add(webhook);
            }
        }
        byRule.replaceAll((rule, list) -> List.copyOf(list));
        snapshot = new Snapshot(version, Map.copyOf(byId), Map.copyOf(byRule));
        loaded.countDown();
        log.info("Webhook registry loaded version {}: {} webhooks", version, byId.size());
    }

    private record Snapshot(long version, Map<String, Webhook> byId, Map<String, List<Webhook>> byRule) {
    }
}
