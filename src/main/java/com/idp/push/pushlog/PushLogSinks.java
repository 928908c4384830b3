package com.idp.push.pushlog;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the sink loops on their own threads, from start-up to shutdown (stopped before the pools close).
 * Every start builds fresh loops: a loop closes its consumer when it stops, and a context may be stopped
 * and started again (Spring pauses idle cached contexts, for one).
 */
public final class PushLogSinks implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PushLogSinks.class);

    private final List<SinkStatus> statuses;
    private final Supplier<List<SinkLoop>> newLoops;
    private final List<Thread> threads = new ArrayList<>();
    private volatile List<SinkLoop> loops = List.of();
    private volatile boolean running;

    /** @param newLoops builds one loop per status, each reporting to its own */
    PushLogSinks(List<SinkStatus> statuses, Supplier<List<SinkLoop>> newLoops) {
        this.statuses = List.copyOf(statuses);
        this.newLoops = newLoops;
    }

    @Override
    public synchronized void start() {
        loops = List.copyOf(newLoops.get());
        for (int i = 0; i < loops.size(); i++) {
            SinkLoop loop = loops.get(i);
            Thread thread = new Thread(() -> {
                try {
                    loop.run();
                } catch (RuntimeException e) {
                    log.error("Sink loop stopped by an unexpected error", e);
                }
            }, "idp-push-sink-" + i);
            threads.add(thread);
            thread.start();
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        loops.forEach(SinkLoop::stop);
        for (Thread thread : threads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        threads.clear();
        running = false;
    }

    /** Names of the sinks currently waiting for the database. */
    public List<String> pausedSinks() {
        return statuses.stream().filter(SinkStatus::isWaiting).map(SinkStatus::name).toList();
    }

    List<SinkStatus> statuses() {
        return statuses;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
