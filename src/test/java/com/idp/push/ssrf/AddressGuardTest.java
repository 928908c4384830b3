package com.idp.push.ssrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

/** Resolution through the guard against a scripted DNS: rebinding, mixed answers, failures. */
class AddressGuardTest {

    private final StubResolver dns = new StubResolver();
    private final AddressGuard guard = new AddressGuard(AddressPolicy.strict(), dns);

    @Test
    void publicAnswersAreReturnedAsTheAddressesToConnectTo() {
        dns.answer("hook.example", "93.184.216.34, 2606:2800:220:1:248:1893:25c8:1946");
        assertThat(addresses("hook.example")).extracting(InetAddress::getHostAddress)
                .containsExactly("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946");
    }

    @Test
    void dnsRebindingIsCaughtOnTheNextLookup() {
        dns.answer("rebind.example", "93.184.216.34", "10.0.0.5");
        assertThat(addresses("rebind.example")).extracting(InetAddress::getHostAddress).containsExactly("93.184.216.34");
        assertThat(failure("rebind.example")).isInstanceOf(BlockedAddressException.class)
                .hasMessageStartingWith("blocked: rebind.example resolves to 10.0.0.5, which is in a private range (10.0.0.0/8)");
    }

    @Test
    void anAnswerMixingPublicAndPrivateAddressesRefusesTheWholeHost() {
        dns.answer("mixed.example", "93.184.216.34, 169.254.169.254");
        assertThat(failure("mixed.example")).isInstanceOf(BlockedAddressException.class)
                .hasMessageContaining("mixed.example resolves to 169.254.169.254 (one of its 2 addresses)")
                .hasMessageContaining("cloud metadata address");
    }

    @Test
    void aMappedAddressInAnAnswerIsCheckedAsIpv4() {
        dns.answer("mapped.example", "64:ff9b::127.0.0.1");
        assertThat(failure("mapped.example")).isInstanceOf(BlockedAddressException.class)
                .hasMessageContaining("embeds 127.0.0.1 (NAT64");
    }

    @Test
    void aFailedLookupFailsClosedAsAnUnknownHost() {
        assertThat(failure("nxdomain.example")).isInstanceOf(UnknownHostException.class);
        AddressGuard empty = new AddressGuard(AddressPolicy.strict(), host -> CompletableFuture.completedFuture(List.of()));
        assertThatThrownBy(() -> empty.addressesFor("empty.example").get()).hasCauseInstanceOf(UnknownHostException.class);
        AddressGuard broken = new AddressGuard(AddressPolicy.strict(),
                host -> CompletableFuture.failedFuture(new IllegalStateException("resolver crashed")));
        assertThatThrownBy(() -> broken.addressesFor("broken.example").get()).hasCauseInstanceOf(UnknownHostException.class);
    }

    @Test
    void literalsAreCheckedWithoutAnyLookup() {
        assertThat(failure("0x0a000001")).isInstanceOf(BlockedAddressException.class)
                .hasMessageStartingWith("blocked: 10.0.0.1 is in a private range");
        assertThat(failure("1.2.3.4.5")).isInstanceOf(BlockedAddressException.class)
                .hasMessageContaining("not a valid one");
        assertThat(addresses("8.8.8.8")).extracting(InetAddress::getHostAddress).containsExactly("8.8.8.8");
        assertThat(dns.lookups("0x0a000001") + dns.lookups("8.8.8.8")).isZero();
    }

    @Test
    void theAllowListAppliesToDnsAnswers() {
        AddressGuard allowing = new AddressGuard(AddressPolicy.allowing("10.20.0.0/16"), dns);
        dns.answer("internal.example", "10.20.1.1");
        dns.answer("other.example", "10.30.1.1");
        assertThat(allowing.addressesFor("internal.example").join()).hasSize(1);
        assertThatThrownBy(() -> allowing.addressesFor("other.example").join())
                .hasCauseInstanceOf(BlockedAddressException.class);
    }

    private List<InetAddress> addresses(String host) {
        return guard.addressesFor(host).join();
    }

    private Throwable failure(String host) {
        try {
            guard.addressesFor(host).get();
            throw new AssertionError(host + " was not refused");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
