package com.idp.push.ssrf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

class LiteralAddressUrlCheckTest {

    private final LiteralAddressUrlCheck check = new LiteralAddressUrlCheck(AddressPolicy.strict());

    @Test
    void refusesLiteralBlockedAddressesInAnySpelling() {
        assertThat(check.problemWith(URI.create("http://10.0.0.1/hook"))).startsWith("blocked: 10.0.0.1 is in a private range");
        assertThat(check.problemWith(URI.create("http://[::ffff:169.254.169.254]/"))).contains("cloud metadata");
        assertThat(check.problemWith(URI.create("https://0x0a000001/"))).startsWith("blocked: 10.0.0.1");
        assertThat(check.problemWith(URI.create("http://0177.0.0.1:8080/"))).contains("loopback");
        assertThat(check.problemWith(URI.create("http://[fe80::1%25eth0]/"))).contains("link-local");
        assertThat(check.problemWith(URI.create("http://localhost:8080/"))).contains("loopback");
        assertThat(check.problemWith(URI.create("http://api.localhost./"))).contains("loopback");
    }

    @Test
    void refusesNumericHostsThatAreNoAddress() {
        assertThat(check.problemWith(URI.create("http://4294967296/"))).contains("not a valid one");
    }

    @Test
    void acceptsPublicAddressesAndLeavesNamesToSendTime() {
        assertThat(check.problemWith(URI.create("https://93.184.216.34/hook"))).isNull();
        assertThat(check.problemWith(URI.create("https://[2606:4700:4700::1111]/hook"))).isNull();
        assertThat(check.problemWith(URI.create("https://hooks.example.com/x"))).isNull();
        assertThat(check.problemWith(URI.create("https://internal.corp/x"))).as("names are not resolved").isNull();
    }

    @Test
    void theAllowListAppliesAtSaveTimeToo() {
        LiteralAddressUrlCheck allowing = new LiteralAddressUrlCheck(AddressPolicy.allowing("127.0.0.0/8", "10.1.0.0/16"));
        assertThat(allowing.problemWith(URI.create("http://127.0.0.1:9000/"))).isNull();
        assertThat(allowing.problemWith(URI.create("http://localhost:9000/"))).isNull();
        assertThat(allowing.problemWith(URI.create("http://10.1.2.3/"))).isNull();
        assertThat(allowing.problemWith(URI.create("http://10.2.2.3/"))).isNotNull();
    }
}
