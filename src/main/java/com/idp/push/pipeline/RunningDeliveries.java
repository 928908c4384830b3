package com.idp.push.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deliveries of one partition's records that count against its running budget
 * ({@link InFlightLimits#maxRunning}), each webhook's up to a share of it.
 *
 * <p>Why a share: a webhook whose endpoint hangs keeps every attempt it admits until its breaker judges it
 * (the slow-call threshold, 10 s), and up to its bulkhead's slots and as many slot waiters (2,000 by
 * default) at once. Counted in full, that one webhook filled the budget of every partition and paused
 * them, the healthy webhooks' deliveries with them (issue 15: pauses of 1.8-3.3 s at 300 events/s). Its
 * deliveries beyond the share still run, bounded by what that webhook may hold of the instance (its
 * bulkhead, its slot waiters, then parked in the first delay topic) and by the work-memory budget; the
 * partition stays open for the others. A record with no webhook (a set-aside copy, a requeue) always counts.
 *
 * <p>Started on the consumer thread; deliveries end on any thread.
 */
final class RunningDeliveries {

    private final int webhookShare;
    private final AtomicInteger counted = new AtomicInteger();
    private final AtomicInteger all = new AtomicInteger();
    private final Map<String, AtomicInteger> countedPerWebhook = new ConcurrentHashMap<>();

    /** A webhook's deliveries count up to a quarter of the budget: below the resume mark with room for the others. */
    RunningDeliveries(int maxRunning) {
        this.webhookShare = Math.max(1, maxRunning / 4);
    }

    void started(Dispatch.Running delivery) {
        all.incrementAndGet();
        delivery.done().whenComplete((ignored, error) -> all.decrementAndGet());
        if (delivery.webhookId() == null) {
            counted.incrementAndGet();
            delivery.done().whenComplete((ignored, error) -> counted.decrementAndGet());
            return;
        }
        AtomicInteger webhooks = countedPerWebhook.computeIfAbsent(delivery.webhookId(), id -> new AtomicInteger());
        if (webhooks.incrementAndGet() > webhookShare) {
            webhooks.decrementAndGet(); // beyond its share: runs uncounted here
            return;
        }
        counted.incrementAndGet();
        delivery.done().whenComplete((ignored, error) -> {
            webhooks.decrementAndGet();
            counted.decrementAndGet();
        });
    }

    /** Deliveries counted against the budget now. */
    int count() {
        return counted.get();
    }

    /** Every delivery running, counted or not (the in-flight gauge). */
    int all() {
        return all.get();
    }

    int webhookShare() {
        return webhookShare;
    }
}
