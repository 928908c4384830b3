package com.idp.push.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.idp.push.config.PushProperties;

/**
 * Creates the topics idp-push needs when they are missing: the input topic with the configured
 * partitions, and the service's own topics with as many partitions as the input topic has (SPEC §4),
 * allowing records as large as {@code idp.push.topics.max-message-bytes} since a retry or DLQ record
 * carries a whole event. Existing topics are left as they are.
 */
final class TopicInitializer {

    private static final Logger log = LoggerFactory.getLogger(TopicInitializer.class);
    private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(30);

    private final Admin admin;
    private final PipelineTopics topics;
    private final PushProperties.Topics settings;

    TopicInitializer(Admin admin, PipelineTopics topics, PushProperties.Topics settings) {
        this.admin = admin;
        this.topics = topics;
        this.settings = settings;
    }

    void createMissing() throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        Optional<Short> replication = settings.replicationFactor() < 1
                ? Optional.empty() : Optional.of(settings.replicationFactor());
        if (!existing.contains(topics.input())) {
            create(List.of(new NewTopic(topics.input(), Optional.of(settings.partitions()), replication)));
        }
        int partitions = admin.describeTopics(List.of(topics.input())).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topics.input()).partitions().size();
        Map<String, String> config = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(settings.maxMessageBytes()));
        List<NewTopic> missing = new ArrayList<>();
        for (String topic : topics.ownTopics()) {
            if (!existing.contains(topic)) {
                missing.add(new NewTopic(topic, Optional.of(partitions), replication).configs(config));
            }
        }
        create(missing);
    }

    private void create(List<NewTopic> newTopics) throws InterruptedException, ExecutionException, TimeoutException {
        if (newTopics.isEmpty()) {
            return;
        }
        for (var entry : admin.createTopics(newTopics).values().entrySet()) {
            try {
                entry.getValue().get(30, TimeUnit.SECONDS);
                log.info("Created topic {}", entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another instance creating it at the same time is fine; anything else is not
                }
            }
        }
        awaitLeaders(newTopics.stream().map(NewTopic::name).toList());
    }

    /**
     * Returns once the brokers' metadata shows every partition of the new topics with a leader. A topic's
     * creation is acknowledged by the controller before the brokers have applied it; a pattern-subscribed
     * consumer that fetches metadata in that moment does not see the topic, and looks again only after
     * metadata.max.age.ms (30 s): the delay topics would sit unconsumed for that long after a first start.
     */
    private void awaitLeaders(List<String> names) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + VISIBLE_WITHIN.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described =
                        admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
                if (described.values().stream().flatMap(topic -> topic.partitions().stream())
                        .allMatch(partition -> partition.leader() != null)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics " + names + " created but without partition leaders after "
                        + VISIBLE_WITHIN.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }
}
