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
 * <p>A webhook that cannot be loaded (a secret under a key not configured, a stored template the current
 * rules refuse, an unusable row) is kept as an {@link UnloadableWebhook}: events still fan out to it and its
 * deliveries get an outcome naming the problem, instead of vanishing. It is logged at WARN once when it
 * becomes unloadable (or its problem changes), not again on every reload, and counted in the
 * {@code idp.push.webhooks.unloadable} gauge. One exception: a webhook whose secrets stop decrypting after
 * this instance had loaded it keeps its last good copy (another instance re-encrypted it under a key this one
 * does not have yet: a rolling key change).
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

    /**
     * The enabled webhooks an event goes to, loadable or not: bound to its rule or to "*", narrowed by its
     * webhook_ids.
     */
    public List<WebhookEntry> resolve(TaskEvent event) {
        Snapshot current = snapshot;
        Map<String, WebhookEntry> matches = new LinkedHashMap<>();
        for (String rule : List.of(event.ruleId(), Webhook.ANY_RULE)) {
            for (WebhookEntry webhook : current.byRule().getOrDefault(rule, List.of())) {
                if (webhook.enabled() && (event.webhookIds().isEmpty() || event.webhookIds().contains(webhook.id()))) {
                    matches.putIfAbsent(webhook.id(), webhook);
                }
            }
        }
        return List.copyOf(matches.values());
    }

    /** The webhook as it is now (enabled or not, loadable or not), for retries and replays. */
    public Optional<WebhookEntry> lookup(String webhookId) {
        return Optional.ofNullable(snapshot.byId().get(webhookId));
    }

    /** The webhook as it is now (enabled or not), when it could be loaded. */
    public Optional<Webhook> find(String webhookId) {
        return lookup(webhookId).filter(Webhook.class::isInstance).map(Webhook.class::cast);
    }

    /** Why this instance could not load the webhook, if it could not. */
    public Optional<LoadError> loadError(String webhookId) {
        return lookup(webhookId).filter(UnloadableWebhook.class::isInstance)
                .map(entry -> ((UnloadableWebhook) entry).error());
    }

    /** How many webhooks of the current snapshot could not be loaded, for a {@link LoadError#kind()}. */
    long unloadable(String kind) {
        return snapshot.byId().values().stream()
                .filter(entry -> entry instanceof UnloadableWebhook broken && broken.error().kind().equals(kind))
                .count();
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
        Map<String, WebhookEntry> byId = new HashMap<>();
        Map<String, List<WebhookEntry>> byRule = new HashMap<>();
        int unloadable = 0;
        for (WebhookRow row : repository.findAll()) {
            WebhookEntry entry = settle(assembler.assemble(row), previous.byId().get(row.id()));
            if (entry instanceof UnloadableWebhook) {
                unloadable++;
            }
            byId.put(entry.id(), entry);
            for (String rule : entry.ruleIds()) {
                byRule.computeIfAbsent(rule, r -> new ArrayList<>()).add(entry);
            }
        }
        byRule.replaceAll((rule, list) -> List.copyOf(list));
        snapshot = new Snapshot(version, Map.copyOf(byId), Map.copyOf(byRule));
        loaded.countDown();
        log.info("Webhook registry loaded version {}: {} webhooks, {} unloadable", version, byId.size(), unloadable);
    }

    /** The entry to keep for a freshly assembled row, given what the previous snapshot held; logs the problems. */
    private static WebhookEntry settle(WebhookEntry assembled, WebhookEntry before) {
        if (!(assembled instanceof UnloadableWebhook broken)) {
            if (before instanceof UnloadableWebhook) {
                log.info("Webhook {} loads again", assembled.id());
            }
            return assembled;
        }
        if (broken.error() instanceof LoadError.SecretUnreadable && before instanceof Webhook lastGood) {
            // e.g. another instance re-encrypted it under a key this one does not have yet (a rolling key change)
            log.error("{}. Still delivering this webhook with the copy loaded before; "
                    + "its stored changes apply here once the key is configured", broken.error().detail());
            return lastGood;
        }
        if (!(before instanceof UnloadableWebhook earlier) || !earlier.error().equals(broken.error())) {
            // once per problem, not per reload or delivery: each delivery has its attempt row and the gauge stays up
            log.warn("Webhook {} cannot be loaded ({}): {}. Its deliveries fail with this reason (push_logs, DLQ) "
                    + "until that is fixed", broken.id(), broken.error().kind(), broken.error().detail());
        }
        return broken;
    }

    private record Snapshot(long version, Map<String, WebhookEntry> byId, Map<String, List<WebhookEntry>> byRule) {
    }
}
