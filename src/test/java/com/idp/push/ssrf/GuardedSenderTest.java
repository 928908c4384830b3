package com.idp.push.ssrf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.idp.push.delivery.DeliveryRequest;
import com.idp.push.delivery.Exchange;
import com.idp.push.delivery.HttpSender;
import com.idp.push.support.TestReceiver;

/**
 * The guard inside the real HTTP client, against a loopback receiver and a scripted DNS: the request
 * goes to the address that was checked, with the URL's host name in the Host header.
 */
class GuardedSenderTest {

    private static final TestReceiver receiver = TestReceiver.start();
    private static final StubResolver dns = new StubResolver();
    /** Loopback is allowed (the receiver is there); 10/8 and everything else private stays blocked. */
    private static final HttpSender sender = new HttpSender(16, Duration.ofSeconds(2), 1024,
            new GuardedAddressResolverGroup(new AddressGuard(AddressPolicy.allowing("127.0.0.0/8"), dns)));

    @AfterAll
    static void close() {
        sender.close();
        receiver.close();
    }

    @Test
    void connectsToTheCheckedAddressAndKeepsTheHostName() {
        dns.answer("hook.test", "127.0.0.1");

        Exchange exchange = send("http://hook.test:" + receiver.port() + "/pinned");

        assertThat(exchange).isInstanceOf(Exchange.Response.class);
        assertThat(receiver.requests("/pinned")).hasSize(1);
        assertThat(receiver.requests("/pinned").get(0).header("Host")).isEqualTo("hook.test:" + receiver.port());
        assertThat(dns.lookups("hook.test")).isEqualTo(1);
    }

    @Test
    void aRebindingNameIsBlockedWhenItNextResolvesToAPrivateAddress() {
        dns.answer("rebind.test", "127.0.0.1", "10.0.0.5");
        // the receiver closes the connection, so the next request needs a new connection and a new lookup
        receiver.on("/rebind").respond(200, Map.of("Connection", "close"), "");

        Exchange first = send("http://rebind.test:" + receiver.port() + "/rebind");
        Exchange second = send("http://rebind.test:" + receiver.port() + "/rebind");

        assertThat(first).isInstanceOf(Exchange.Response.class);
        assertThat(second).isInstanceOf(Exchange.NoResponse.class);
        assertThat(((Exchange.NoResponse) second).failure()).isEqualTo(Exchange.Failure.BLOCKED_ADDRESS);
        assertThat(((Exchange.NoResponse) second).message())
                .startsWith("blocked: rebind.test resolves to 10.0.0.5, which is in a private range (10.0.0.0/8)");
        assertThat(receiver.requests("/rebind")).hasSize(1);
        assertThat(dns.lookups("rebind.test")).isEqualTo(2);
    }

    @Test
    void aMixedAnswerIsRefusedEvenThoughOneAddressIsAllowed() {
        dns.answer("mixed.test", "127.0.0.1, 10.0.0.5");

        Exchange exchange = send("http://mixed.test:" + receiver.port() + "/mixed");

        assertThat(((Exchange.NoResponse) exchange).failure()).isEqualTo(Exchange.Failure.BLOCKED_ADDRESS);
        assertThat(receiver.requests("/mixed")).isEmpty();
    }

    @Test
    void literalSpellingsInTheUrlAreCheckedToo() {
        for (String url : new String[] {"http://169.254.169.254/latest/meta-data/", "http://[::ffff:a9fe:a9fe]/",
                "http://0xa9fea9fe/", "http://2852039166/", "http://[fd00:ec2::254]/", "http://[::ffff:10.0.0.1]:8080/"}) {
            Exchange exchange = send(url);
            assertThat(exchange).as(url).isInstanceOf(Exchange.NoResponse.class);
            assertThat(((Exchange.NoResponse) exchange).failure()).as(url).isEqualTo(Exchange.Failure.BLOCKED_ADDRESS);
        }
        // loopback is allowed here, in whatever spelling
        assertThat(send("http://0x7f000001:" + receiver.port() + "/spelled")).isInstanceOf(Exchange.Response.class);
        assertThat(receiver.requests("/spelled")).hasSize(1);
    }

    private static Exchange send(String url) {
        return sender.send(new DeliveryRequest(URI.create(url), Map.of(), new byte[0], Duration.ofSeconds(2))).join();
    }
}
