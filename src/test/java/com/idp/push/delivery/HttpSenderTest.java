package com.idp.push.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.idp.push.ssrf.AddressGuard;
import com.idp.push.ssrf.AddressPolicy;
import com.idp.push.ssrf.GuardedAddressResolverGroup;
import com.idp.push.support.TestReceiver;

/** The HTTP client's guarantees, against a real server on loopback. */
class HttpSenderTest {

    private static final TestReceiver receiver = TestReceiver.start();
    /** The SSRF guard on, allowing only loopback, where the receiver listens. */
    private static final HttpSender sender = new HttpSender(16, Duration.ofSeconds(2), 1024,
            new GuardedAddressResolverGroup(new AddressGuard(AddressPolicy.allowing("127.0.0.0/8", "::1/128"),
                    host -> CompletableFuture.failedFuture(new UnknownHostException(host)))));

    @AfterAll
    static void close() {
        sender.close();
        receiver.close();
    }

    @Test
    void sendsTheExactBytesAndHeaders() {
        byte[] body = "{\"a\":\"ü\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Exchange exchange = send("/exact", body, Duration.ofSeconds(2), Map.of("X-Test", "1"));
        assertThat(exchange).isInstanceOf(Exchange.Response.class);
        assertThat(receiver.requests("/exact").get(0).body()).isEqualTo(body);
        assertThat(receiver.requests("/exact").get(0).header("X-Test")).isEqualTo("1");
    }

    @Test
    void doesNotFollowRedirects() {
        receiver.on("/moved").respond(302, Map.of("Location", receiver.url("/target")), "");
        Exchange exchange = send("/moved", new byte[0], Duration.ofSeconds(2), Map.of());
        assertThat(((Exchange.Response) exchange).status()).isEqualTo(302);
        assertThat(receiver.requests("/target")).isEmpty();
    }

    @Test
    void readsTheResponseBodyOnlyUpToTheCap() {
        receiver.on("/big").respond(200, Map.of(), "x".repeat(100_000));
        Exchange.Response response = (Exchange.Response) send("/big", new byte[0], Duration.ofSeconds(2), Map.of());
        assertThat(response.truncated()).isTrue();
        assertThat(response.body()).startsWith("x".repeat(1024)).endsWith(CappedBody.TRUNCATION_MARK)
                .hasSize(1024 + CappedBody.TRUNCATION_MARK.length());
    }

    @Test
    void aHangingServerTimesOutAtTheDeadline() {
        receiver.on("/hang").hang();
        long started = System.nanoTime();
        Exchange exchange = send("/hang", new byte[0], Duration.ofMillis(300), Map.of());
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(exchange).isInstanceOf(Exchange.NoResponse.class);
        assertThat(((Exchange.NoResponse) exchange).failure()).isEqualTo(Exchange.Failure.TIMEOUT);
        assertThat(elapsedMs).isBetween(250L, 2_000L);
    }

    /** Given up before its deadline, a request ends at once and frees its connection for the next one. */
    @Test
    void aRequestGivenUpEndsAtOnceAndFreesItsConnection() {
        receiver.on("/given-up").hang();
        try (HttpSender oneConnection = new HttpSender(1, Duration.ofSeconds(2), 1024,
                new GuardedAddressResolverGroup(new AddressGuard(AddressPolicy.allowing("127.0.0.0/8"),
                        host -> CompletableFuture.failedFuture(new UnknownHostException(host)))))) {
            CompletableFuture<Exchange> giveUp = new CompletableFuture<>();
            CompletableFuture<Exchange> hanging = oneConnection.send("WH_GIVEN_UP", new DeliveryRequest(
                    URI.create(receiver.url("/given-up")), Map.of(), new byte[0], Duration.ofSeconds(30)), giveUp);
            Exchange abandoned = new Exchange.NoResponse(Exchange.Failure.TIMEOUT, "given up", 200);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> !receiver.requests("/given-up").isEmpty());
            giveUp.complete(abandoned);
            assertThat(hanging.join()).isSameAs(abandoned);

            Exchange next = oneConnection.send("WH_GIVEN_UP", new DeliveryRequest(URI.create(receiver.url("/after-given-up")),
                    Map.of(), new byte[0], Duration.ofSeconds(2)), new CompletableFuture<>()).join();
            assertThat(next).as("the only connection was freed").isInstanceOf(Exchange.Response.class);
        }
    }

    /**
     * Two webhooks on one host: the one that hangs holds every connection its pool allows, and the other is
     * still answered at once, from a pool of its own, instead of queueing for a connection until its deadline.
     */
    @Test
    void aWebhookThatHangsCannotTakeTheConnectionsOfAnotherOnTheSameHost() {
        receiver.on("/same-host/hanging").hang();
        try (HttpSender twoPerAddress = new HttpSender(2, Duration.ofSeconds(2), 1024,
                new GuardedAddressResolverGroup(new AddressGuard(AddressPolicy.allowing("127.0.0.0/8"),
                        host -> CompletableFuture.failedFuture(new UnknownHostException(host)))))) {
            CompletableFuture<Exchange> never = new CompletableFuture<>();
            for (int i = 0; i < 3; i++) {
                twoPerAddress.send("WH_HANGING", new DeliveryRequest(URI.create(receiver.url("/same-host/hanging")),
                        Map.of(), new byte[0], Duration.ofSeconds(30)), never);
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> receiver.requests("/same-host/hanging").size() >= 2);

            long started = System.nanoTime();
            Exchange healthy = twoPerAddress.send("WH_HEALTHY", new DeliveryRequest(
                    URI.create(receiver.url("/same-host/healthy")), Map.of(), new byte[0], Duration.ofSeconds(3)), never)
                    .join();
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(healthy).as("answered, not left waiting for a connection of the shared pool")
                    .isInstanceOf(Exchange.Response.class);
            assertThat(tookMs).isLessThan(1_000);
            never.complete(new Exchange.NoResponse(Exchange.Failure.TIMEOUT, "test over", 0));
        }
    }

    @Test
    void aRefusedConnectionIsAConnectionFailure() {
        Exchange exchange = sender.send(new DeliveryRequest(URI.create("http://127.0.0.1:1/"), Map.of(), new byte[0],
                Duration.ofSeconds(2))).join();
        assertThat(((Exchange.NoResponse) exchange).failure()).isEqualTo(Exchange.Failure.CONNECTION);
    }

    @Test
    void aBlockedAddressIsABlockedFailureWithTheReason() {
        Exchange exchange = sender.send(new DeliveryRequest(URI.create("http://0x0a000005:8080/"), Map.of(), new byte[0],
                Duration.ofSeconds(2))).join();
        Exchange.NoResponse none = (Exchange.NoResponse) exchange;
        assertThat(none.failure()).isEqualTo(Exchange.Failure.BLOCKED_ADDRESS);
        assertThat(none.message()).startsWith("blocked: 10.0.0.5 is in a private range (10.0.0.0/8)");
    }

    @Test
    void aFailedLookupIsADnsFailure() {
        Exchange exchange = sender.send(new DeliveryRequest(URI.create("http://nowhere.test/"), Map.of(), new byte[0],
                Duration.ofSeconds(2))).join();
        assertThat(((Exchange.NoResponse) exchange).failure()).isEqualTo(Exchange.Failure.DNS);
    }

    private static Exchange send(String path, byte[] body, Duration timeout, Map<String, String> headers) {
        return sender.send(new DeliveryRequest(URI.create(receiver.url(path)), headers, body, timeout)).join();
    }
}
