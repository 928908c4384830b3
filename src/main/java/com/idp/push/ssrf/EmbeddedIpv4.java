package com.idp.push.ssrf;

import java.util.ArrayList;
import java.util.List;

/**
 * IPv6 forms that carry an IPv4 address, which a stack or a translator on the path may turn into a
 * connection to that IPv4 address: so the IPv4 rules must apply to it. Pure byte arithmetic.
 */
final class EmbeddedIpv4 {

    /** An IPv4 address found inside an IPv6 one, and the form it was found in (for messages). */
    record Found(String form, byte[] ipv4) {
    }

    static final Cidr MAPPED = Cidr.parse("::ffff:0:0/96");
    static final Cidr COMPATIBLE = Cidr.parse("::/96");
    static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
    static final Cidr TEREDO = Cidr.parse("2001::/32");

    private EmbeddedIpv4() {
    }

    /** The IPv4 addresses embedded in a 16-byte address; empty for 4-byte ones and plain IPv6. */
    static List<Found> in(byte[] address) {
        List<Found> found = new ArrayList<>(2);
        if (address.length != 16) {
            return found;
        }
        if (MAPPED.contains(address)) {
            found.add(new Found("IPv4-mapped, " + MAPPED, slice(address, 12)));
        } else if (COMPATIBLE.contains(address)) {
            found.add(new Found("IPv4-compatible, " + COMPATIBLE, slice(address, 12)));
        } else if (NAT64.contains(address)) {
            found.add(new Found("NAT64, " + NAT64, slice(address, 12)));
        } else if (SIX_TO_FOUR.contains(address)) {
            // 2002:AABB:CCDD::/48 routes to the 6to4 relay of AA.BB.CC.DD
            found.add(new Found("6to4, " + SIX_TO_FOUR, slice(address, 2)));
        } else if (TEREDO.contains(address)) {
            // bytes 4..7 are the Teredo server, bytes 12..15 the client's address with every bit flipped
            found.add(new Found("Teredo server, " + TEREDO, slice(address, 4)));
            byte[] client = slice(address, 12);
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~client[i];
            }
            found.add(new Found("Teredo client, " + TEREDO, client));
        }
        return found;
    }

    /** ::ffff:a.b.c.d for a 4-byte address. */
    static byte[] mapped(byte[] ipv4) {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        System.arraycopy(ipv4, 0, bytes, 12, 4);
        return bytes;
    }

    private static byte[] slice(byte[] address, int from) {
        byte[] ipv4 = new byte[4];
        System.arraycopy(address, from, ipv4, 0, 4);
        return ipv4;
    }
}
