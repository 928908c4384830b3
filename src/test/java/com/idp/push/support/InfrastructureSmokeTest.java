package com.idp.push.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Proves the shared test infrastructure works end to end: broker, database (including an outage), receiver. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InfrastructureSmokeTest {

    private final TestInfrastructure infra = TestInfrastructure.get();

    @Test
    void isASingleton() {
        assertThat(TestInfrastructure.get()).isSameAs(infra);
    }

    @Test
    void kafkaProducesAndConsumesThroughAConsumerGroup() throws Exception {
        String topic = "smoke-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }

        Map<String, Object> producerProps = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            producer.send(new ProducerRecord<>(topic, "k1", "hello")).get(30, TimeUnit.SECONDS);
        }

        Map<String, Object> consumerProps = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "smoke-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        long start = System.nanoTime();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of(topic));
            while (received.isEmpty() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30)) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            consumer.commitSync();
        }
        System.out.printf("[idp-test] group join + first record took %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(received).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("k1");
            assertThat(r.value()).isEqualTo("hello");
        });
    }

    @Test
    void autoTopicCreationIsOff() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers()))) {
            String topic = "never-created-" + UUID.randomUUID();
            Map<String, Object> producerProps = Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers(),
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "x")).get(5, TimeUnit.SECONDS))
                        .isInstanceOfAny(ExecutionException.class, org.apache.kafka.common.KafkaException.class);
            }
            Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            assertThat(topics).doesNotContain(topic);
        }
    }

    @Test
    void postgresKeepsDataAcrossStopAndStart() throws Exception {
        String table = "smoke_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select 1, current_database(), version()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getString(2)).isEqualTo("idp");
                assertThat(rs.getString(3)).startsWith("PostgreSQL 17");
            }
            s.execute("create table " + table + " (id int primary key, note text not null)");
            s.execute("insert into " + table + " values (1, 'before outage')");
        }

        String urlBefore = infra.jdbcUrl();
        long t = System.nanoTime();
        infra.stopPostgres();
        long stopMs = (System.nanoTime() - t) / 1_000_000;
        try {
            assertThat(infra.isPostgresRunning()).isFalse();
            assertThatThrownBy(this::connect).isInstanceOf(SQLException.class);
        } finally {
            t = System.nanoTime();
            infra.startPostgres();
        }
        long startMs = (System.nanoTime() - t) / 1_000_000;
        System.out.printf("[idp-test] postgres stop %d ms, start %d ms%n", stopMs, startMs);

        assertThat(infra.jdbcUrl()).isEqualTo(urlBefore);
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select note from " + table + " where id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("before outage");
        }
    }

    @Test
    void receiverScriptsRecordsAndHangs() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (TestReceiver receiver = TestReceiver.start()) {
            receiver.on("/seq").respondSequence(503, 503, 200);
            receiver.on("/custom").respond(201, Map.of("X-Reply", "yes"), "{\"ok\":true}");
            receiver.on("/slow").delay(Duration.ofMillis(300)).respond(202);
            receiver.on("/hang").hang();

            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                statuses.add(post(client, receiver.url("/seq"), "event-" + i, Duration.ofSeconds(5)).statusCode());
            }
            assertThat(statuses).containsExactly(503, 503, 200, 200);

            List<ReceivedRequest> seq = receiver.awaitRequests("/seq", 4, Duration.ofSeconds(5));
            assertThat(seq).extracting(ReceivedRequest::bodyText).containsExactly("event-0", "event-1", "event-2", "event-3");
            assertThat(seq.get(0).method()).isEqualTo("POST");
            assertThat(seq.get(0).header("x-test-header")).isEqualTo("smoke");
            assertThat(seq.get(0).header("CONTENT-TYPE")).isEqualTo("application/json");
            assertThat(seq.get(0).headers().get("x-TEST-header")).containsExactly("smoke");

            HttpResponse<String> custom = post(client, receiver.url("/custom?x=1"), "{}", Duration.ofSeconds(5));
            assertThat(custom.statusCode()).isEqualTo(201);
            assertThat(custom.headers().firstValue("x-reply")).hasValue("yes");
            assertThat(custom.body()).isEqualTo("{\"ok\":true}");
            assertThat(receiver.requests("/custom")).hasSize(1);

            long t = System.nanoTime();
            assertThat(post(client, receiver.url("/slow"), "{}", Duration.ofSeconds(5)).statusCode()).isEqualTo(202);
            assertThat(Duration.ofNanos(System.nanoTime() - t)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

            // a hung request times out on the client while other paths still answer at once
            CompletableFuture<HttpResponse<String>> hung = client.sendAsync(request(receiver.url("/hang"), "stuck",
                    Duration.ofMillis(700)), HttpResponse.BodyHandlers.ofString());
            receiver.awaitRequests("/hang", 1, Duration.ofSeconds(5));
            t = System.nanoTime();
            assertThat(post(client, receiver.url("/other"), "{}", Duration.ofSeconds(2)).statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofMillis(500));
            assertThatThrownBy(() -> hung.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(HttpTimeoutException.class);

            assertThat(receiver.requests()).hasSize(4 + 1 + 1 + 1 + 1);
            receiver.reset();
            assertThat(receiver.requests()).isEmpty();
            assertThat(post(client, receiver.url("/seq"), "{}", Duration.ofSeconds(2)).statusCode()).isEqualTo(200);

            // leave one request hanging: close() must still be quick
            receiver.on("/hang").hang();
            client.sendAsync(request(receiver.url("/hang"), "stuck", Duration.ofSeconds(30)),
                    HttpResponse.BodyHandlers.ofString());
            receiver.awaitRequests("/hang", 1, Duration.ofSeconds(5));
            t = System.nanoTime();
            receiver.close();
            assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(2));
        }
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", infra.dbUser());
        props.setProperty("password", infra.dbPassword());
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(infra.jdbcUrl(), props);
    }

    private static HttpRequest request(String url, String body, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("X-Test-Header", "smoke")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static HttpResponse<String> post(HttpClient client, String url, String body, Duration timeout)
            throws Exception {
        return client.send(request(url, body, timeout), HttpResponse.BodyHandlers.ofString());
    }
}
