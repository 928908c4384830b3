package com.idp.push.ssrf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a delivery may connect to one address: allowed when private networks are allowed
 * altogether or the address is in an allowed CIDR, blocked when it is in a {@link BlockedRanges} range
 * or embeds an IPv4 address that is blocked, allowed otherwise. Pure and thread-safe.
 */
public final class AddressPolicy {

    static final String HOW_TO_ALLOW = "set IDP_PUSH_ALLOWED_CIDRS or IDP_PUSH_ALLOW_PRIVATE_NETWORKS to allow";
    private static final AddressDecision ALLOWED = new AddressDecision.Allowed();

    private final boolean allowPrivateNetworks;
    private final List<Cidr> allowedCidrs;

    public AddressPolicy(boolean allowPrivateNetworks, List<Cidr> allowedCidrs) {
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.allowedCidrs = List.copyOf(allowedCidrs);
    }

    /** The guard on, nothing allowed beyond public addresses. */
    public static AddressPolicy strict() {
        return new AddressPolicy(false, List.of());
    }

    public static AddressPolicy allowing(String... cidrs) {
        return new AddressPolicy(false, java.util.Arrays.stream(cidrs).map(Cidr::parse).toList());
    }

    /** For an address given as such (a literal in the URL). */
    public AddressDecision decide(InetAddress address) {
        return decide(address, text(address.getAddress()));
    }

    /** For one of the {@code answers} addresses DNS returned for {@code host}. */
    public AddressDecision decide(InetAddress address, String host, int answers) {
        String among = answers > 1 ? " (one of its " + answers + " addresses)" : "";
        return decide(address, host + " resolves to " + text(address.getAddress()) + among + ", which");
    }

    private AddressDecision decide(InetAddress address, String subject) {
        if (allowPrivateNetworks) {
            return ALLOWED;
        }
        return decide(address.getAddress()).map(why -> (AddressDecision) new AddressDecision.Blocked(
                "blocked: " + subject + " " + why + "; " + HOW_TO_ALLOW)).orElse(ALLOWED);
    }

    /** Why the address is blocked ("is in a private range (10.0.0.0/8)"), or empty when it is allowed. */
    private Optional<String> decide(byte[] address) {
        if (allowedCidrs.stream().anyMatch(c -> c.contains(address))) {
            return Optional.empty();
        }
        Optional<BlockedRanges.Range> range = BlockedRanges.containing(address);
        if (range.isPresent()) {
            return Optional.of("is " + range.get().what() + " (" + range.get().cidr() + ")");
        }
        for (EmbeddedIpv4.Found embedded : EmbeddedIpv4.in(address)) {
            Optional<String> why = decide(embedded.ipv4());
            if (why.isPresent()) {
                return Optional.of("embeds " + text(embedded.ipv4()) + " (" + embedded.form() + "), which " + why.get());
            }
        }
        return Optional.empty();
    }

    /** The usual text of an address; IPv6 stays IPv6 (the JDK would print ::ffff:a.b.c.d as IPv4). */
    static String text(byte[] address) {
        try {
            InetAddress parsed = address.length == 16
                    ? Inet6Address.getByAddress(null, address, -1)
                    : InetAddress.getByAddress(address);
            return parsed.getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e); // only for a wrong length, which InetAddress never returns
        }
    }
}
