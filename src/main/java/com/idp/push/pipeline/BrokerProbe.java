package com.idp.push.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Whether the broker answers, for the {@code pipeline} health component: a background thread asks for the
 * cluster description every {@code interval} (bounded by {@code interval} too) and remembers since when it
 * has gone unanswered. The health endpoint only reads the remembered state, so it never waits on the broker.
 *
 * <p>The consumers themselves cannot say this cheaply: an idle {@code poll()} returns nothing whether the
 * broker is there or not, and the commit callbacks only run when there is something to commit.
 */
final class BrokerProbe implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BrokerProbe.class);

    /** What the last probes found. {@code unreachableSinceMs} is -1 while the broker answers. */
    record Status(long unreachableSinceMs, String lastError) {
        boolean reachable() {
            return unreachableSinceMs < 0;
        }
    }

    private final Map<String, Object> adminConfig;
    private final Duration interval;
    private final LongSupplier clock;
    private volatile Status status;
    private volatile boolean running;
    private Thread thread;

    BrokerProbe(Map<String, Object> adminConfig, Duration interval, LongSupplier clock) {
        this.adminConfig = new HashMap<>(adminConfig);
        this.adminConfig.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "idp-push-broker-probe");
        this.interval = interval;
        this.clock = clock;
        this.status = new Status(clock.getAsLong(), "not probed yet"); // unreachable until first answer
    }

    Status status() {
        return status;
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::run, "idp-push-broker-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        Admin admin = null;
        try {
            while (running) {
                long started = clock.getAsLong();
                try {
                    if (admin == null) {
                        admin = Admin.create(adminConfig);
                    }
                    int timeoutMs = (int) Math.max(interval.toMillis(), 500);
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).clusterId()
                            .get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
                    reachable();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException e) {
                    unreachable(e.getCause() == null ? e : e.getCause());
                } catch (Exception e) {
                    unreachable(e);
                }
                long left = interval.toMillis() - (clock.getAsLong() - started);
                if (left > 0) {
                    Thread.sleep(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(1));
            }
        }
    }

    void reachable() {
        Status previous = status;
        if (!previous.reachable() && !"not probed yet".equals(previous.lastError())) {
            log.info("Kafka broker reachable again after {} ms", clock.getAsLong() - previous.unreachableSinceMs());
        }
        status = new Status(-1, null);
    }

    void unreachable(Throwable error) {
        Status previous = status;
        long since = previous.reachable() ? clock.getAsLong() : previous.unreachableSinceMs();
        if (previous.reachable()) {
            log.warn("Kafka broker not reachable: {}", error.toString());
        }
        status = new Status(since, error.toString());
    }

    @Override
    public void stop() {
        Thread toJoin;
        synchronized (this) {
            running = false;
            toJoin = thread;
            if (toJoin != null) {
                toJoin.interrupt();
            }
        }
        if (toJoin != null) {
            try {
                toJoin.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * @param nowMs the probe's (monotonic) clock now
     * @param wallNow the time of day now, to say since when in words an operator can match with other logs
     */
    static String describe(Status status, long nowMs, Instant wallNow) {
        if (status.reachable()) {
            return "reachable";
        }
        long forMs = nowMs - status.unreachableSinceMs();
        return "unreachable since " + wallNow.minusMillis(forMs) + " (" + forMs / 1000 + " s)";
    }
}
