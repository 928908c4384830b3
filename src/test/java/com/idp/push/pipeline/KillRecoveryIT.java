package com.idp.push.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.idp.push.support.PartitionedEventStream;
import com.idp.push.support.ReceivedRequest;
import com.idp.push.support.ServiceProcess;
import com.idp.push.support.StandaloneBroker;
import com.idp.push.support.TestReceiver;

/**
 * How fast delivery resumes after a SIGKILL, with the consumer-group timing idp-push ships (the harness adds only
 * what a deployment adds: an instance id per process name, as the Helm chart sets the pod name): the built jar as its own process(es) against a standalone broker process with the group
 * settings of a default broker, a loopback receiver, and a steady, bounded stream of events sent to explicit
 * partitions (the task id names its partition, the User-Agent names the instance that delivered it).
 *
 * <ol>
 * <li>Two instances; the one owning more input partitions is killed; measured: from the kill until the survivor
 * has delivered an event of every partition the killed one owned.</li>
 * <li>One instance, killed and started again (same instance name, as a container restarted in its pod); measured:
 * from the new process's health being UP to its first delivery.</li>
 * <li>The same with a 45 s session: the restart, being a static member under its old id, must not wait for it.</li>
 * </ol>
 * Both must be under {@link #TARGET}.
 */
class KillRecoveryIT {

    private static final Duration TARGET = Duration.ofSeconds(10);
    private static final int PARTITIONS = 6;
    private static final int EVENTS_PER_SECOND = 30;
    private static final int MAX_EVENTS = 3_000;
    private static final Duration MAX_STREAM = Duration.ofSeconds(100);
    /** Long enough to see a default 45 s session time out, so the "before" figure is measured, not cut off. */
    private static final Duration RECOVERY_WAIT = Duration.ofSeconds(70);

    private static StandaloneBroker broker;

    private final String run = "kill_" + UUID.randomUUID().toString().substring(0, 8);
    private final TestReceiver receiver = TestReceiver.start();
    private final List<ServiceProcess> processes = new ArrayList<>();
    private PartitionedEventStream stream;

    @BeforeAll
    static void startBroker() {
        // the coordinator's own default (3 s) instead of the test broker's 0: an empty group waits this long for
        // more members before its first assignment, as it would in a deployment
        broker = StandaloneBroker.create("kill-recovery", Map.of("group.initial.rebalance.delay.ms", "3000"));
        broker.start(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (stream != null) {
            stream.close();
        }
        processes.forEach(ServiceProcess::close);
        receiver.close();
    }

    @Test
    void theSurvivorDeliversTheKilledInstancesPartitionsWithinTenSeconds() throws Exception {
        ServiceProcess a = start(settings("idp-push-A"), run + "-A");
        createWebhook(a);
        ServiceProcess b = start(settings("idp-push-B"), run + "-B");
        stream = PartitionedEventStream.start(broker.bootstrapServers(), settings("-").inputTopic(), PARTITIONS,
                run + "_E", rule(), EVENTS_PER_SECOND, MAX_EVENTS, MAX_STREAM);

        Map<Integer, String> owners = awaitStableOwnership();
        Map<String, List<Integer>> byAgent = new TreeMap<>();
        owners.forEach((partition, agent) -> byAgent.computeIfAbsent(agent, x -> new ArrayList<>()).add(partition));
        String victimAgent = byAgent.getOrDefault("idp-push-A", List.of()).size()
                >= byAgent.getOrDefault("idp-push-B", List.of()).size() ? "idp-push-A" : "idp-push-B";
        ServiceProcess victim = victimAgent.equals("idp-push-A") ? a : b;
        List<Integer> victimPartitions = byAgent.get(victimAgent);

        String survivorAgent = victimAgent.equals("idp-push-A") ? "idp-push-B" : "idp-push-A";

        Instant killedAt = Instant.now(); // taken before the signal: the gap is measured from its earliest moment
        victim.kill();
        await("the survivor delivering every partition of the killed instance").atMost(RECOVERY_WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> victimPartitions.stream().allMatch(p -> firstDelivery(killedAt, p, survivorAgent).isPresent()));

        Map<Integer, Long> gapMs = new TreeMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            firstDelivery(killedAt, p, survivorAgent).ifPresent(r -> gapMs.put(partition, millis(killedAt, r.receivedAt())));
        }
        long worstMs = victimPartitions.stream().mapToLong(gapMs::get).max().orElseThrow();
        System.out.printf("[kill-recovery] two instances, ownership before the kill %s; killed %s; the survivor's first"
                + " delivery after the kill per partition (ms) %s; the killed instance's partitions %s resumed after %d ms%n",
                byAgent, victimAgent, gapMs, victimPartitions, worstMs);

        assertThat(Duration.ofMillis(worstMs)).as("survivor delivering the killed instance's partitions").isLessThan(TARGET);
    }

    @Test
    void aSingleInstanceKilledAndRestartedDeliversWithinTenSecondsOfBeingUp() throws Exception {
        Restart restart = killAndRestart(settings("idp-push-solo"));
        System.out.printf("[kill-recovery] one instance killed and restarted: health UP %d ms after the kill, first"
                + " delivery %d ms after UP (%d ms after the kill)%n", restart.upMs(), restart.fromUpMs(),
                restart.deliveredMs());

        assertThat(Duration.ofMillis(restart.fromUpMs())).as("restarted instance delivering after being UP").isLessThan(TARGET);
    }

    /**
     * Pins the mechanism the restart relies on when it is quicker than the session timeout: with a session as long
     * as Kafka's default, the restarted instance (same instance id) still delivers within the target of being UP,
     * long before the dead one's session would have expired. A dynamic member would wait for that expiry.
     */
    @Test
    void aRestartTakesItsStaticIdentityBackWithoutWaitingForTheOldSession() throws Exception {
        long sessionMs = 45_000;
        Map<String, String> properties = new HashMap<>(settings("idp-push-solo").properties());
        properties.put("idp.push.consumer-group.session-timeout", Long.toString(sessionMs));
        Restart restart = killAndRestart(new ServiceProcess.Settings(run, "256m", properties));
        System.out.printf("[kill-recovery] one instance, %d ms session, killed and restarted: health UP %d ms after the"
                + " kill, first delivery %d ms after UP (%d ms after the kill)%n", sessionMs, restart.upMs(),
                restart.fromUpMs(), restart.deliveredMs());

        assertThat(restart.deliveredMs()).as("delivering before the old session expired").isLessThan(sessionMs);
        assertThat(Duration.ofMillis(restart.fromUpMs())).as("restarted instance delivering after being UP").isLessThan(TARGET);
    }

    private record Restart(long upMs, long fromUpMs, long deliveredMs) {
    }

    /** One instance under the stream, killed once deliveries flow, started again under the same name. */
    private Restart killAndRestart(ServiceProcess.Settings settings) {
        ServiceProcess first = start(settings, run + "-solo");
        createWebhook(first);
        stream = PartitionedEventStream.start(broker.bootstrapServers(), settings.inputTopic(), PARTITIONS,
                run + "_E", rule(), EVENTS_PER_SECOND, MAX_EVENTS, MAX_STREAM);
        await("deliveries before the kill").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> receiver.requests("/kill").size() >= 2 * EVENTS_PER_SECOND);

        Instant killedAt = Instant.now();
        first.kill();
        // the killed process is reaped by now: whatever arrives from here on was sent by its successor
        Instant restartedAt = Instant.now();
        ServiceProcess second = ServiceProcess.start(settings, run + "-solo"); // same name: the same "pod"
        processes.add(second);
        second.awaitConsuming(Duration.ofSeconds(120));
        Instant upAt = Instant.now();
        AtomicReference<ReceivedRequest> firstAfter = new AtomicReference<>();
        await("a delivery by the restarted instance").atMost(RECOVERY_WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    receiver.requests("/kill").stream().filter(r -> r.receivedAt().isAfter(restartedAt)).findFirst()
                            .ifPresent(firstAfter::set);
                    return firstAfter.get() != null;
                });
        Instant deliveredAt = firstAfter.get().receivedAt();
        return new Restart(millis(killedAt, upAt), millis(upAt, deliveredAt), millis(killedAt, deliveredAt));
    }

    /**
     * Waits until each input partition has been delivered by exactly one instance over the last two seconds,
     * both instances owning some: the group has settled after the second instance joined.
     */
    private Map<Integer, String> awaitStableOwnership() {
        AtomicReference<Map<Integer, String>> owners = new AtomicReference<>();
        await("both instances delivering, each partition from one of them").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Instant since = Instant.now().minusSeconds(2);
                    Map<Integer, String> seen = new HashMap<>();
                    boolean ambiguous = false;
                    for (ReceivedRequest r : receiver.requests("/kill")) {
                        int partition = PartitionedEventStream.partitionOf(r.taskId());
                        if (partition < 0 || !r.receivedAt().isAfter(since)) {
                            continue;
                        }
                        String previous = seen.put(partition, r.header("User-Agent"));
                        ambiguous |= previous != null && !previous.equals(r.header("User-Agent"));
                    }
                    owners.set(seen);
                    return !ambiguous && seen.size() == PARTITIONS && seen.values().stream().distinct().count() == 2;
                });
        return new LinkedHashMap<>(owners.get());
    }

    private Optional<ReceivedRequest> firstDelivery(Instant after, int partition, String agent) {
        return receiver.requests("/kill").stream()
                .filter(r -> r.receivedAt().isAfter(after) && PartitionedEventStream.partitionOf(r.taskId()) == partition
                        && agent.equals(r.header("User-Agent")))
                .findFirst();
    }

    /** The instances share topics and groups (one prefix); the User-Agent tells their deliveries apart. */
    private ServiceProcess.Settings settings(String userAgent) {
        return new ServiceProcess.Settings(run, "256m", Map.of(
                "spring.kafka.bootstrap-servers", broker.bootstrapServers(),
                "idp.push.topics.partitions", Integer.toString(PARTITIONS),
                "idp.push.retry.delays", "1",
                "idp.push.http.user-agent", userAgent));
    }

    private ServiceProcess start(ServiceProcess.Settings settings, String name) {
        ServiceProcess process = ServiceProcess.start(settings, name);
        processes.add(process);
        process.awaitConsuming(Duration.ofSeconds(120));
        return process;
    }

    private void createWebhook(ServiceProcess process) {
        String id = "WH_" + run;
        var response = process.api().post("/api/v1/webhooks", """
                {"id":"%s","name":"%s","url":"%s","rule_ids":["%s"],"auth_type":"none"}"""
                .formatted(id, id, receiver.url("/kill"), rule()));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
    }

    private String rule() {
        return "R_" + run;
    }

    private static long millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }
}
