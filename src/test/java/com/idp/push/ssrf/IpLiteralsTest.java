package com.idp.push.ssrf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Hosts are read as inet_aton(3) and the JDK's IPv6 parser read them. */
class IpLiteralsTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1.2.3.4            | 1.2.3.4
            0x01020304         | 1.2.3.4
            16909060           | 1.2.3.4
            01.02.03.04        | 1.2.3.4
            1.2.772            | 1.2.3.4
            1.131844           | 1.2.3.4
            0x1.0x2.0x304      | 1.2.3.4
            1.2.3.4.           | 1.2.3.4
            0x.0.0.0x          | 0.0.0.0
            4294967295         | 255.255.255.255
            037777777777       | 255.255.255.255
            [::1]              | 0:0:0:0:0:0:0:1
            fe80::1%eth0       | fe80:0:0:0:0:0:0:1
            """)
    void readsEverySpellingOfAnAddress(String host, String address) {
        IpLiterals.Host parsed = IpLiterals.classify(host);
        assertThat(parsed).isInstanceOf(IpLiterals.Literal.class);
        assertThat(((IpLiterals.Literal) parsed).address().getHostAddress()).isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4.5", "256.0.0.1", "1.2.3.256", "1.2.65536", "4294967296", "0x100000000",
            "08.0.0.1", "1..2.3", ".1.2.3", "example.123", "a.0x1f", "[zz::1]", "[::1", "[1.2.3.4]", "::g",
            "１.2.3.4"})
    void hostsThatLookNumericButAreNotAddressesAreMalformed(String host) {
        assertThat(IpLiterals.classify(host)).isInstanceOf(IpLiterals.Malformed.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hook.test", "example.com", "example.com.", "0x7f.example", "1.2.3.example", "localhost",
            "xn--bcher-kva.example", "a1"})
    void namesAreNames(String host) {
        assertThat(IpLiterals.classify(host)).isInstanceOf(IpLiterals.Name.class);
    }
}
