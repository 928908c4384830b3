package com.idp.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.idp.push.support.HostileServer;
import com.idp.push.support.HostileServer.Behaviour;
import com.idp.push.support.TestCertificates;

/**
 * The HTTP client and the outcome table against endpoints that misbehave on purpose (a raw-socket server
 * on loopback). Each behaviour must end, within the attempt's deadline plus a little, in the outcome
 * SPEC §4 gives it: timeouts, broken connections, broken HTTP and TLS failures retryable; 3xx and 410
 * not. Bodies are read only up to the cap, so a 1 GiB answer is neither downloaded nor held in memory.
 */
class HostileEndpointsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Scheduling slack on a busy 2-core CI machine; the deadline itself is {@link #TIMEOUT}. */
    private static final long SLACK_MS = 1_500;
    private static final int BODY_CAP = 64 * 1024;
    private static final TestCertificates certificates = TestCertificates.create();

    static {
        // The client trusts the test CA the way a deployment trusts a corporate CA (javax.net.ssl.trustStore),
        // so that the expired and wrong-host certificates fail for exactly that reason, not as "untrusted".
        // Must be set before the first TLS connection in this JVM: Reactor Netty builds its default
        // client context once.
        try {
            Path store = certificates.writeTrustStore(Files.createTempFile("idp-push-test-trust", ".p12"));
            store.toFile().deleteOnExit();
            System.setProperty("javax.net.ssl.trustStore", store.toString());
            System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final HttpSender sender = new HttpSender(64, Duration.ofSeconds(2), BODY_CAP,
            io.netty.resolver.DefaultAddressResolverGroup.INSTANCE); // no SSRF guard: this test is about the endpoints
    private static final OutcomeClassifier classifier = new OutcomeClassifier(Clock.systemUTC());

    @AfterAll
    static void close() {
        sender.close();
    }

    /** One hostile behaviour and what must come of it. */
    record Case(String name, Behaviour behaviour, Function<TestCertificates, SSLContext> tls, Class<? extends Verdict> verdict,
            String reasonContains) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("hangs until the timeout", Behaviour.HANG, null, Verdict.Retryable.class, "timeout"),
                new Case("trickles the body a byte a second", Behaviour.TRICKLE_BODY, null, Verdict.Retryable.class, "timeout"),
                new Case("sends headers a byte a second", Behaviour.SLOW_HEADERS, null, Verdict.Retryable.class, "timeout"),
                new Case("redirects to itself", Behaviour.REDIRECT_LOOP, null, Verdict.Fatal.class, "redirects are not followed"),
                new Case("resets the connection", Behaviour.RESET, null, Verdict.Retryable.class, ""),
                new Case("closes without a reply", Behaviour.EMPTY_REPLY, null, Verdict.Retryable.class, "connection"),
                new Case("answers with bytes that are not HTTP", Behaviour.MALFORMED, null, Verdict.Retryable.class, ""),
                new Case("closes in the middle of the body", Behaviour.TRUNCATED_BODY, null, Verdict.Retryable.class, "connection"),
                new Case("sends a 1 MiB header line", Behaviour.HUGE_HEADER, null, Verdict.Retryable.class, ""),
                new Case("answers 410 Gone", Behaviour.GONE, null, Verdict.Fatal.class, "HTTP 410"),
                new Case("TLS with a self-signed certificate", Behaviour.OK, TestCertificates::selfSigned, Verdict.Retryable.class,
                        "TLS error"),
                new Case("TLS with an expired certificate", Behaviour.OK, TestCertificates::expired, Verdict.Retryable.class,
                        "TLS error"),
                new Case("TLS with a certificate for another host", Behaviour.OK, TestCertificates::wrongHost,
                        Verdict.Retryable.class, "TLS error"),
                new Case("TLS done right (control)", Behaviour.OK, TestCertificates::valid, Verdict.Success.class, "HTTP 200"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachHostileBehaviourEndsInItsOutcomeWithinTheDeadline(Case hostile) {
        try (HostileServer server = hostile.tls() == null ? HostileServer.start(hostile.behaviour())
                : HostileServer.startTls(hostile.behaviour(), hostile.tls().apply(certificates))) {
            long started = System.nanoTime();
            Exchange exchange = send(server.url("/loop"));
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            Verdict verdict = classifier.classify(exchange);

            System.out.printf("[hostile] %-45s -> %-9s in %5d ms: %s%n", hostile.name(),
                    verdict.getClass().getSimpleName(), elapsedMs, verdict.reason());
            assertThat(verdict).as(hostile.name() + ": " + verdict.reason()).isInstanceOf(hostile.verdict());
            assertThat(verdict.reason()).contains(hostile.reasonContains());
            assertThat(elapsedMs).as("elapsed ms").isLessThanOrEqualTo(TIMEOUT.toMillis() + SLACK_MS);
            assertThat(server.requests()).as("requests sent (redirects are not followed)").isLessThanOrEqualTo(1);
        }
    }

    @Test
    void tlsFailuresNameTheirCause() {
        // With the CA trusted, each bad certificate is refused for its own reason, not merely as unknown.
        assertThat(tlsFailure(TestCertificates::selfSigned)).containsIgnoringCase("PKIX path");
        assertThat(tlsFailure(TestCertificates::expired)).containsIgnoringCase("validity");
        assertThat(tlsFailure(TestCertificates::wrongHost)).containsIgnoringCase("subject alternative");
    }

    @Test
    void aGigabyteBodyIsNeitherDownloadedNorHeldInMemory() {
        int concurrent = 16;
        long heapBefore = usedHeapAfterGc();
        List<HostileServer> servers = new ArrayList<>();
        try {
            List<CompletableFuture<Exchange>> exchanges = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                HostileServer server = HostileServer.start(i % 2 == 0 ? Behaviour.GIGABYTE_BODY : Behaviour.ENDLESS_CHUNKED_BODY);
                servers.add(server);
                exchanges.add(sender.send(request(server.url("/big"))));
            }
            long started = System.nanoTime();
            for (CompletableFuture<Exchange> future : exchanges) {
                Exchange.Response response = (Exchange.Response) future.join();
                assertThat(classifier.classify(response)).isInstanceOf(Verdict.Success.class);
                assertThat(response.truncated()).isTrue();
                assertThat(response.body()).hasSize(BODY_CAP + CappedBody.TRUNCATION_MARK.length());
            }
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            long heapGrowth = usedHeapAfterGc() - heapBefore;
            long maxWritten = servers.stream().mapToLong(HostileServer::bytesWritten).max().orElseThrow();
            System.out.printf("[hostile] %d x 1 GiB bodies capped at %d KiB in %d ms: at most %d KiB accepted by the"
                    + " client's socket per response, heap growth %d KiB%n", concurrent, BODY_CAP / 1024, elapsedMs,
                    maxWritten / 1024, heapGrowth / 1024);
            assertThat(elapsedMs).isLessThanOrEqualTo(TIMEOUT.toMillis() + SLACK_MS);
            // what a server can push before the client closes: the cap plus socket buffers, far from 1 GiB
            assertThat(maxWritten).isLessThan(32L << 20);
            assertThat(heapGrowth).isLessThan(32L << 20);
        } finally {
            servers.forEach(HostileServer::close);
        }
    }

    private static String tlsFailure(Function<TestCertificates, SSLContext> certificate) {
        try (HostileServer server = HostileServer.startTls(Behaviour.OK, certificate.apply(certificates))) {
            Exchange exchange = send(server.url("/tls"));
            assertThat(exchange).isInstanceOf(Exchange.NoResponse.class);
            assertThat(((Exchange.NoResponse) exchange).failure()).isEqualTo(Exchange.Failure.TLS);
            return ((Exchange.NoResponse) exchange).message();
        }
    }

    private static Exchange send(String url) {
        return sender.send(request(url)).join();
    }

    private static DeliveryRequest request(String url) {
        return new DeliveryRequest(URI.create(url), Map.of("Content-Type", "application/json"),
                "{\"event\":\"task.completed\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8), TIMEOUT);
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
