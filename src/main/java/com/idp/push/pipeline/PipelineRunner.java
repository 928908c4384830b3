package com.idp.push.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
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
 */
final class PipelineRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PipelineRunner.class);

    private final PushProperties properties;
    private final PipelineTopics topics;
    private final WebhookRegistry registry;
    private final RecordHandler handler;
    private final Map<String, Object> adminConfig;
    private final Function<String, Consumer<byte[], byte[]>> consumers;
    private final MeterRegistry meters;

    private final List<ConsumerLoop> loops = new CopyOnWriteArrayList<>(); // read by the gauge
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile boolean consuming;
    private Thread starter;

    PipelineRunner(PushProperties properties, PipelineTopics topics, WebhookRegistry registry, RecordHandler handler,
            Map<String, Object> adminConfig, Function<String, Consumer<byte[], byte[]>> consumers, MeterRegistry meters) {
        this.properties = properties;
        this.topics = topics;
        this.registry = registry;
        this.handler = handler;
        this.adminConfig = adminConfig;
        this.consumers = consumers;
        this.meters = meters;
    }

    @Override
    public synchronized void start() {
        running = true;
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
            ConsumerLoop loop = new ConsumerLoop(consumers.apply("idp-push-" + i), topics.consumerPattern(), handler,
                    new InFlightLimits(engine.maxInFlightPerPartition(), engine.maxUncommittedPerPartition(),
                            engine.maxInFlightBytesPerPartition().toBytes()),
                    engine.pollTimeout(), engine.revokeGrace(),
                    System::currentTimeMillis);
            Thread thread = new Thread(() -> runLoop(loop), "idp-push-consumer-" + i);
            loops.add(loop);
            threads.add(thread);
            thread.start();
        }
        consuming = true;
        Gauge.builder("idp.push.in.flight", loops, all -> all.stream().mapToInt(ConsumerLoop::inFlight).sum())
                .description("Records whose deliveries are running").register(meters);
        log.info("Delivery engine consuming {} with {} consumer(s), up to {} records in flight per partition",
                topics.consumerPattern(), engine.consumers(), engine.maxInFlightPerPartition());
    }

    private void runLoop(ConsumerLoop loop) {
        try {
            loop.run();
        } catch (RuntimeException e) {
            consuming = false;
            log.error("Consumer loop stopped by an unexpected error; the instance is unhealthy", e);
        }
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

    /** Whether the consumer loops are up (false while starting, after a fatal loop error, or stopped). */
    public boolean isConsuming() {
        return consuming;
    }
}
