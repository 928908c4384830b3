package com.idp.push.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import com.idp.push.config.PushProperties;
import com.idp.push.webhook.WebhookRegistry;

/**
 * Starts and stops the delivery engine with the application. Start-up does not block the application:
 * a starter thread creates missing topics (retrying while the broker is unreachable), waits for the
 * webhook registry's first load (so no event is resolved against an empty registry), then starts the
 * consumer threads. Stop lets each loop finish its in-flight work (bounded) and commit.
 * <p>
 * Each consumer thread supervises its loop: an exception that escapes the loop (from {@code poll()}, a
 * commit, a rebalance callback) ends that loop, which commits what is durable and closes its consumer;
 * the thread then starts a new loop with a new consumer after a backoff that doubles up to
 * {@link #MAX_RESTART_BACKOFF}, counted in {@code idp.push.engine.loop.restarts} and shown in health
 * until the new loop runs. Records not committed are delivered again by the new loop (at least once).
 * <p>
 * Every loop is given {@code intakeHeld} ({@link OutboundProducer#overBudget()}): while outcome records over the
 * instance's budget wait for the broker, no loop takes new records.
 */
final class PipelineRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PipelineRunner.class);
    static final Duration FIRST_RESTART_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_RESTART_BACKOFF = Duration.ofSeconds(30);
    /** A loop that ran this long before failing starts again from the first backoff. */
    private static final Duration HEALTHY_RUN = Duration.ofMinutes(1);

    private final PushProperties properties;
    private final PipelineTopics topics;
    private final WebhookRegistry registry;
    private final RecordHandler handler;
    private final ConsumerLoop.SetAside setAside;
    private final BooleanSupplier intakeHeld;
    private final Map<String, Object> adminConfig;
    private final Function<String, Consumer<byte[], byte[]>> consumers;
    private final MeterRegistry meters;

    private final List<ConsumerLoop> loops = new CopyOnWriteArrayList<>(); // read by the gauge
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile boolean consuming;
    private final AtomicInteger restarting = new AtomicInteger();
    private volatile CountDownLatch stopping = new CountDownLatch(1);
    private final Counter restarts;
    private final BackpressureMeter backpressure;
    private volatile String lastLoopError;
    private Thread starter;

    PipelineRunner(PushProperties properties, PipelineTopics topics, WebhookRegistry registry, RecordHandler handler,
            ConsumerLoop.SetAside setAside, BooleanSupplier intakeHeld, Map<String, Object> adminConfig,
            Function<String, Consumer<byte[], byte[]>> consumers, MeterRegistry meters) {
        this.properties = properties;
        this.topics = topics;
        this.registry = registry;
        this.handler = handler;
        this.setAside = setAside;
        this.intakeHeld = intakeHeld;
        this.adminConfig = adminConfig;
        this.consumers = consumers;
        this.meters = meters;
        this.backpressure = new BackpressureMeter(meters, ConsumerLoop::monotonicMillis);
        this.restarts = Counter.builder("idp.push.engine.loop.restarts")
                .description("Consumer loops of the delivery engine restarted after an unexpected error").register(meters);
    }

    @Override
    public synchronized void start() {
        running = true;
        stopping = new CountDownLatch(1);
        starter = new Thread(this::startUp, "idp-push-starter");
        starter.setDaemon(true);
        starter.start();
    }

    private void startUp() {
        try {
            if (properties.topics().create()) {
                createTopics();
            }
            while (running && !registry.awaitLoaded(Duration.ofSeconds(5))) {
                log.info("Waiting for the webhook registry's first load before consuming");
            }
            startLoops();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void createTopics() throws InterruptedException {
        long backoffMs = 1000;
        while (running) {
            try (Admin admin = Admin.create(adminConfig)) {
                new TopicInitializer(admin, topics, properties.topics()).createMissing();
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                log.warn("Could not check or create topics, retrying in {} ms: {}", backoffMs, e.toString());
                Thread.sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 30_000);
            }
        }
    }

    private synchronized void startLoops() {
        if (!running) {
            return;
        }
        PushProperties.Engine engine = properties.engine();
        for (int i = 0; i < engine.consumers(); i++) {
            String clientId = "idp-push-" + i;
            Thread thread = new Thread(() -> supervise(clientId), "idp-push-consumer-" + i);
            threads.add(thread);
            thread.start();
        }
        consuming = true;
        Gauge.builder("idp.push.in.flight", loops, all -> all.stream().mapToInt(ConsumerLoop::inFlight).sum())
                .description("Deliveries running (a record counts once per webhook it fans out to)").register(meters);
        log.info("Delivery engine consuming {} with {} consumer(s), up to {} deliveries in flight per partition",
                topics.consumerPattern(), engine.consumers(), engine.maxInFlightPerPartition());
    }

    /** Runs a loop on this thread, and a new one after each unexpected failure, until the runner stops. */
    private void supervise(String clientId) {
        Duration backoff = FIRST_RESTART_BACKOFF;
        while (running) {
            ConsumerLoop loop = newLoop(clientId);
            if (loop == null) {
                return;
            }
            long startedNs = System.nanoTime();
            try {
                loop.run();
                return; // stopped
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (Duration.ofNanos(System.nanoTime() - startedNs).compareTo(HEALTHY_RUN) >= 0) {
                    backoff = FIRST_RESTART_BACKOFF;
                }
                restarts.increment();
                lastLoopError = e.toString();
                restarting.incrementAndGet();
                log.error("Consumer loop {} stopped by an unexpected error; a new one starts in {} ms", clientId,
                        backoff.toMillis(), e);
            } finally {
                loops.remove(loop);
            }
            try {
                if (stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                restarting.decrementAndGet();
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_RESTART_BACKOFF) > 0 ? MAX_RESTART_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** A new loop registered for stop(), or null when the runner is already stopping. */
    private synchronized ConsumerLoop newLoop(String clientId) {
        if (!running) {
            return null;
        }
        PushProperties.Engine engine = properties.engine();
        ConsumerLoop loop = new ConsumerLoop(consumers.apply(clientId), topics.consumerPattern(), handler, setAside,
                new InFlightLimits(engine.maxInFlightPerPartition(), engine.maxUncommittedPerPartition(),
                        engine.maxInFlightBytesPerPartition().toBytes()),
                engine.pollTimeout(), engine.revokeGrace(), ConsumerLoop::monotonicMillis, Clock.systemUTC(), intakeHeld,
                backpressure);
        loops.add(loop);
        return loop;
    }

    @Override
    public void stop() {
        List<Thread> toJoin;
        synchronized (this) {
            running = false;
            consuming = false;
            if (starter != null) {
                starter.interrupt();
            }
            loops.forEach(ConsumerLoop::stop);
            stopping.countDown(); // ends a restart backoff; a running loop is stopped above
            toJoin = List.copyOf(threads);
            loops.clear();
            threads.clear();
        }
        for (Thread thread : toJoin) {
            try {
                thread.join(properties.engine().revokeGrace().plusSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean isAutoStartup() {
        return properties.engine().autoStartup();
    }

    /** Whether the consumer loops are up (false while starting, while a failed loop waits to restart, or stopped). */
    public boolean isConsuming() {
        return consuming && restarting.get() == 0;
    }

    /** Loops restarted after an unexpected error since start-up. */
    long loopRestarts() {
        return (long) restarts.count();
    }

    /** The error that ended a loop most recently, or null. */
    String lastLoopError() {
        return lastLoopError;
    }
}
