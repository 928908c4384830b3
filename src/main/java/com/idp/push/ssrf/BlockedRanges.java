package com.idp.push.ssrf;

import java.util.List;
import java.util.Optional;

/**
 * The ranges no delivery may reach unless allowed by configuration, each with why (docs/ssrf.md has the
 * same table). Order matters only for the message: the most specific reason comes first (the metadata
 * address before the link-local range it lies in).
 *
 * <p>The IPv6 forms that embed an IPv4 address (IPv4-mapped, -compatible, NAT64, 6to4, Teredo) are not
 * listed: {@link EmbeddedIpv4} unpacks them and the IPv4 rows apply.
 */
final class BlockedRanges {

    /** A blocked range and the phrase that completes "X is ...". */
    record Range(Cidr cidr, String what) {
    }

    static final List<Range> ALL = List.of(
            // IPv4
            range("169.254.169.254/32", "a cloud metadata address"),
            range("100.100.100.200/32", "a cloud metadata address"),
            range("0.0.0.0/8", "in the unspecified (\"this network\") range"),
            range("10.0.0.0/8", "in a private range"),
            range("100.64.0.0/10", "in the carrier-grade NAT (shared address) range"),
            range("127.0.0.0/8", "a loopback address"),
            range("169.254.0.0/16", "in the link-local range"),
            range("172.16.0.0/12", "in a private range"),
            range("192.0.0.0/24", "in the IETF protocol assignments range"),
            range("192.0.2.0/24", "in a documentation range"),
            range("192.168.0.0/16", "in a private range"),
            range("198.18.0.0/15", "in the benchmarking range"),
            range("198.51.100.0/24", "in a documentation range"),
            range("203.0.113.0/24", "in a documentation range"),
            range("224.0.0.0/4", "in the multicast range"),
            range("255.255.255.255/32", "the broadcast address"),
            range("240.0.0.0/4", "in the reserved range"),
            // IPv6
            range("::/128", "the unspecified address"),
            range("::1/128", "the loopback address"),
            range("fd00:ec2::254/128", "a cloud metadata address"),
            range("fc00::/7", "in the unique-local range"),
            range("fe80::/10", "in the link-local range"),
            range("fec0::/10", "in the (deprecated) site-local range"),
            range("ff00::/8", "in the multicast range"),
            range("100::/64", "in the discard-only range"),
            range("2001:db8::/32", "in a documentation range"),
            range("2001:2::/48", "in the benchmarking range"),
            // RFC 8215 local-use NAT64: translates to IPv4 inside the operator's own network
            range("64:ff9b:1::/48", "in the local-use NAT64 range"));

    private BlockedRanges() {
    }

    static Optional<Range> containing(byte[] address) {
        return ALL.stream().filter(r -> r.cidr().contains(address)).findFirst();
    }

    private static Range range(String cidr, String what) {
        return new Range(Cidr.parse(cidr), what);
    }
}
