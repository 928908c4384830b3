package com.idp.push.ssrf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every spelling of a blocked address is blocked, public ones are not; no network is used. */
class AddressPolicyTest {

    private final AddressPolicy strict = AddressPolicy.strict();

    @ParameterizedTest(name = "{0} is blocked by {1}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1                                 | 127.0.0.0/8
            2130706433                                | 127.0.0.0/8
            0177.0.0.1                                | 127.0.0.0/8
            00000177.0.0.01                           | 127.0.0.0/8
            0x7f.0.0.1                                | 127.0.0.0/8
            0x7f000001                                | 127.0.0.0/8
            0X7F.1                                    | 127.0.0.0/8
            127.1                                     | 127.0.0.0/8
            0x7f.0.1                                  | 127.0.0.0/8
            0177.0x0.1                                | 127.0.0.0/8
            127.0.0.1.                                | 127.0.0.0/8
            167772161                                 | 10.0.0.0/8
            0x0a000001                                | 10.0.0.0/8
            012.0.0.1                                 | 10.0.0.0/8
            10.1                                      | 10.0.0.0/8
            10.0x00.0.01                              | 10.0.0.0/8
            10.0.0.5.                                 | 10.0.0.0/8
            172.16.0.1                                | 172.16.0.0/12
            172.31.255.255                            | 172.16.0.0/12
            3232235521                                | 192.168.0.0/16
            192.168.1                                 | 192.168.0.0/16
            169.254.169.254                           | 169.254.169.254/32
            2852039166                                | 169.254.169.254/32
            0xa9fea9fe                                | 169.254.169.254/32
            0XA9.0XFE.0XA9.0XFE                       | 169.254.169.254/32
            0251.0376.0251.0376                       | 169.254.169.254/32
            169.254.43518                             | 169.254.169.254/32
            169.254.1.1                               | 169.254.0.0/16
            100.100.100.200                           | 100.100.100.200/32
            100.64.0.1                                | 100.64.0.0/10
            0.0.0.0                                   | 0.0.0.0/8
            0                                         | 0.0.0.0/8
            192.0.0.8                                 | 192.0.0.0/24
            192.0.2.1                                 | 192.0.2.0/24
            198.51.100.7                              | 198.51.100.0/24
            203.0.113.9                               | 203.0.113.0/24
            198.18.0.1                                | 198.18.0.0/15
            198.19.255.1                              | 198.18.0.0/15
            224.0.0.1                                 | 224.0.0.0/4
            239.255.255.250                           | 224.0.0.0/4
            240.0.0.1                                 | 240.0.0.0/4
            255.255.255.255                           | 255.255.255.255/32
            [::1]                                     | ::1/128
            [0:0:0:0:0:0:0:1]                         | ::1/128
            ::1                                       | ::1/128
            [::]                                      | ::/128
            [fe80::1]                                 | fe80::/10
            [fe80::1%25eth0]                          | fe80::/10
            [fe80::1%eth0]                            | fe80::/10
            [febf:ffff::1]                            | fe80::/10
            [fc00::1]                                 | fc00::/7
            [fd12:3456:789a::1]                       | fc00::/7
            [fd00:ec2::254]                           | fd00:ec2::254/128
            [fec0::1]                                 | fec0::/10
            [ff02::1]                                 | ff00::/8
            [100::1]                                  | 100::/64
            [2001:db8::1]                             | 2001:db8::/32
            [2001:2::1]                               | 2001:2::/48
            [::ffff:127.0.0.1]                        | 127.0.0.0/8
            [::ffff:7f00:1]                           | 127.0.0.0/8
            [::ffff:169.254.169.254]                  | 169.254.169.254/32
            [::ffff:a9fe:a9fe]                        | 169.254.169.254/32
            [0:0:0:0:0:ffff:10.0.0.1]                 | 10.0.0.0/8
            [::127.0.0.1]                             | 127.0.0.0/8
            [::a00:1]                                 | 10.0.0.0/8
            [64:ff9b::10.0.0.1]                       | 10.0.0.0/8
            [64:ff9b::a9fe:a9fe]                      | 169.254.169.254/32
            [64:ff9b:1::1]                            | 64:ff9b:1::/48
            [2002:a9fe:a9fe::1]                       | 169.254.169.254/32
            [2002:7f00:1::]                           | 127.0.0.0/8
            [2001:0:4136:e378:8000:63bf:f5ff:fffe]    | 10.0.0.0/8
            [2001:0:a00:1::1]                         | 10.0.0.0/8
            """)
    void blocksEverySpelling(String host, String range) {
        AddressDecision decision = decideLiteral(strict, host);
        assertThat(decision).isInstanceOf(AddressDecision.Blocked.class);
        String reason = ((AddressDecision.Blocked) decision).reason();
        assertThat(reason).startsWith("blocked: ").contains("(" + range + ")")
                .endsWith("set IDP_PUSH_ALLOWED_CIDRS or IDP_PUSH_ALLOW_PRIVATE_NETWORKS to allow");
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.216.34", "[2606:4700:4700::1111]", "2606:4700:4700::1111",
            "134744072", "0x08080808", "[::ffff:8.8.8.8]", "[64:ff9b::8.8.8.8]", "[2002:808:808::1]",
            "[2001:0:4136:e378:8000:63bf:f7f7:f7f7]", "100.63.255.255", "100.128.0.1", "172.32.0.1", "11.0.0.1",
            "192.169.0.1", "198.20.0.1", "223.255.255.255", "[2a00:1450:4001::200e]"})
    void allowsPublicAddresses(String host) {
        assertThat(decideLiteral(strict, host)).isInstanceOf(AddressDecision.Allowed.class);
    }

    @Test
    void reasonNamesTheAddressTheRangeAndWhatToSet() {
        assertThat(((AddressDecision.Blocked) decideLiteral(strict, "10.0.0.5")).reason()).isEqualTo(
                "blocked: 10.0.0.5 is in a private range (10.0.0.0/8); "
                        + "set IDP_PUSH_ALLOWED_CIDRS or IDP_PUSH_ALLOW_PRIVATE_NETWORKS to allow");
        assertThat(((AddressDecision.Blocked) decideLiteral(strict, "[2002:a00:1::]")).reason())
                .startsWith("blocked: 2002:a00:1:0:0:0:0:0 embeds 10.0.0.1 (6to4, 2002::/16), which is in a private range");
    }

    @Test
    void resolvedAddressesAreNamedWithTheirHost() throws UnknownHostException {
        AddressDecision decision = strict.decide(InetAddress.getByAddress("hook.test", new byte[] {10, 0, 0, 5}), "hook.test", 2);
        assertThat(((AddressDecision.Blocked) decision).reason())
                .startsWith("blocked: hook.test resolves to 10.0.0.5 (one of its 2 addresses), which is in a private range");
    }

    @Test
    void theAllowListOverridesTheBlockListOnlyInsideItsRanges() {
        AddressPolicy policy = AddressPolicy.allowing("10.20.0.0/16", "fd00:1::/64", "169.254.169.254");
        assertThat(decideLiteral(policy, "10.20.3.4")).isInstanceOf(AddressDecision.Allowed.class);
        assertThat(decideLiteral(policy, "0x0a140304")).isInstanceOf(AddressDecision.Allowed.class);
        assertThat(decideLiteral(policy, "[::ffff:10.20.3.4]")).as("embedded IPv4 is allowed by an IPv4 range")
                .isInstanceOf(AddressDecision.Allowed.class);
        assertThat(decideLiteral(policy, "[fd00:1::5]")).isInstanceOf(AddressDecision.Allowed.class);
        assertThat(decideLiteral(policy, "169.254.169.254")).isInstanceOf(AddressDecision.Allowed.class);
        assertThat(decideLiteral(policy, "10.21.0.1")).isInstanceOf(AddressDecision.Blocked.class);
        assertThat(decideLiteral(policy, "[fd00:2::5]")).isInstanceOf(AddressDecision.Blocked.class);
        assertThat(decideLiteral(policy, "169.254.169.253")).isInstanceOf(AddressDecision.Blocked.class);
        assertThat(decideLiteral(policy, "127.0.0.1")).isInstanceOf(AddressDecision.Blocked.class);
    }

    @Test
    void allowingPrivateNetworksSwitchesTheGuardOff() {
        AddressPolicy open = new AddressPolicy(true, java.util.List.of());
        for (String host : new String[] {"127.0.0.1", "10.0.0.1", "169.254.169.254", "[::1]", "[fd00:ec2::254]"}) {
            assertThat(decideLiteral(open, host)).as(host).isInstanceOf(AddressDecision.Allowed.class);
        }
    }

    static AddressDecision decideLiteral(AddressPolicy policy, String host) {
        IpLiterals.Host parsed = IpLiterals.classify(host);
        assertThat(parsed).as(host + " is a literal").isInstanceOf(IpLiterals.Literal.class);
        return policy.decide(((IpLiterals.Literal) parsed).address());
    }
}
