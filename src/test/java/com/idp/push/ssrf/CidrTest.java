package com.idp.push.ssrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void matchesByPrefix() throws Exception {
        Cidr cgnat = Cidr.parse("100.64.0.0/10");
        assertThat(cgnat.contains(InetAddress.getByName("100.64.0.0"))).isTrue();
        assertThat(cgnat.contains(InetAddress.getByName("100.127.255.255"))).isTrue();
        assertThat(cgnat.contains(InetAddress.getByName("100.128.0.0"))).isFalse();
        assertThat(cgnat.contains(InetAddress.getByName("::1"))).as("IPv4 ranges never match IPv6").isFalse();
        assertThat(Cidr.parse("fc00::/7").contains(InetAddress.getByName("fdff::1"))).isTrue();
        assertThat(Cidr.parse("fc00::/7").contains(InetAddress.getByName("fe00::1"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8"))).isTrue();
        assertThat(Cidr.parse("10.1.2.3").prefixLength()).isEqualTo(32);
        assertThat(Cidr.parse("::ffff:0:0/96").network()).hasSize(16);
        assertThat(Cidr.parse("10.0.0.0/8")).isEqualTo(Cidr.parse(" 10.0.0.0/8 "));
    }

    @Test
    void refusesWhatIsNotARange() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix length must be 0..32");
        assertThatThrownBy(() -> Cidr.parse("10.1.0.0/8")).hasMessageContaining("bits set after the /8 prefix");
        assertThatThrownBy(() -> Cidr.parse("010.0.0.0/8")).hasMessageContaining("is not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).hasMessageContaining("is not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> Cidr.parse("fe80::%eth0/10")).hasMessageContaining("is not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> Cidr.parse("::/129")).hasMessageContaining("0..128");
    }
}
