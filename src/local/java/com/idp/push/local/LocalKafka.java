package com.idp.push.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) running inside the local run, with
 * its log under the local data folder so topics and offsets survive a restart. The storage is
 * formatted on first use, as {@code kafka-storage.sh format} would.
 */
final class LocalKafka implements AutoCloseable {

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private LocalKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    static LocalKafka start(Path dataDir, int port, int controllerPort) throws IOException {
        Path logDir = dataDir.resolve("kafka").toAbsolutePath();
        Files.createDirectories(logDir);
        Properties config = new Properties();
        config.setProperty("process.roles", "broker,controller");
        config.setProperty("node.id", "1");
        config.setProperty("controller.quorum.voters", "1@localhost:" + controllerPort);
        config.setProperty("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        config.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + port);
        config.setProperty("controller.listener.names", "CONTROLLER");
        config.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.setProperty("log.dirs", logDir.toString());
        config.setProperty("offsets.topic.replication.factor", "1");
        config.setProperty("offsets.topic.num.partitions", "6");
        config.setProperty("transaction.state.log.replication.factor", "1");
        config.setProperty("transaction.state.log.min.isr", "1");
        config.setProperty("group.initial.rebalance.delay.ms", "0");
        config.setProperty("auto.create.topics.enable", "false");
        config.setProperty("num.partitions", "6");
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(dataDir, config);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
        return new LocalKafka(server, "localhost:" + port);
    }

    /** {@code kafka-storage.sh format}: writes the cluster id and bootstrap metadata into the empty log dir. */
    private static void format(Path dataDir, Properties config) throws IOException {
        Path file = dataDir.resolve("kafka-server.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            config.store(writer, "local broker of idp-push; generated, edited by nothing");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString()},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (exit != 0) {
            throw new IllegalStateException("Formatting the local Kafka storage failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
