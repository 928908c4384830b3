package com.idp.push.ssrf;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Reads a URL host the way resolvers do, so every spelling of an address is recognised: IPv6 in
 * brackets (zone id ignored), and IPv4 as {@code inet_aton(3)} reads it (what libc's getaddrinfo, curl
 * and browsers accept): one to four parts, each decimal, octal (leading 0) or hex (0x), the last part
 * filling the remaining bytes, so {@code 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.1} and
 * {@code 127.1} are all 127.0.0.1. One trailing dot is ignored.
 *
 * <p>A host whose last label is a number (as the WHATWG URL standard decides) is an IPv4 literal or
 * nothing: such a host is {@link Malformed} rather than a name, because what a resolver does with it
 * differs between resolvers. The JDK's own parser is not used for IPv4 because it reads
 * {@code 0177.0.0.1} as 177.0.0.1 and refuses hex.
 */
public final class IpLiterals {

    /** What a host is. */
    public sealed interface Host {
    }

    public record Literal(InetAddress address) implements Host {
    }

    public record Name(String name) implements Host {
    }

    public record Malformed(String reason) implements Host {
    }

    private IpLiterals() {
    }

    public static Host classify(String host) {
        if (host == null || host.isEmpty()) {
            return new Malformed("the host is empty");
        }
        if (host.startsWith("[")) {
            return host.endsWith("]") ? ipv6(host.substring(1, host.length() - 1), host)
                    : new Malformed(host + " is not a valid IPv6 address");
        }
        if (host.indexOf(':') >= 0) {
            return ipv6(host, host); // InetSocketAddress host strings come without brackets
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (!endsInNumber(name)) {
            return new Name(host);
        }
        byte[] ipv4 = ipv4(name);
        if (ipv4 == null) {
            return new Malformed(host + " looks like an IPv4 address but is not a valid one");
        }
        try {
            return new Literal(InetAddress.getByAddress(ipv4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static Host ipv6(String text, String host) {
        int zone = text.indexOf('%');
        String address = zone >= 0 ? text.substring(0, zone) : text;
        // only address characters: InetAddress.getByName must never get something it would look up
        if (address.indexOf(':') < 0
                || !address.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            return new Malformed(host + " is not a valid IPv6 address");
        }
        try {
            return new Literal(InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            return new Malformed(host + " is not a valid IPv6 address");
        }
    }

    /** Whether the last dot-separated label is all decimal digits, or 0x followed by hex digits. */
    private static boolean endsInNumber(String host) {
        String last = host.substring(host.lastIndexOf('.') + 1);
        if (last.isEmpty()) {
            return false;
        }
        if (isHexPrefixed(last)) {
            return last.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128);
        }
        return last.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** inet_aton: a.b.c.d, a.b.c (c is 16 bits), a.b (b is 24 bits) or a (32 bits); null when invalid. */
    static byte[] ipv4(String text) {
        long[] parts = new long[4];
        int count = 0;
        int start = 0;
        while (true) {
            int dot = text.indexOf('.', start);
            String part = dot < 0 ? text.substring(start) : text.substring(start, dot);
            if (count == 4) {
                return null;
            }
            long value = number(part);
            if (value < 0) {
                return null;
            }
            parts[count++] = value;
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
        long address = 0;
        for (int i = 0; i < count - 1; i++) {
            if (parts[i] > 0xff) {
                return null;
            }
            address |= parts[i] << (8 * (3 - i));
        }
        long last = parts[count - 1];
        if (last >= 1L << (8 * (5 - count))) {
            return null;
        }
        address |= last;
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    /** One part: 0x.. hex, 0.. octal, else decimal; -1 when empty, invalid or beyond 32 bits. */
    private static long number(String part) {
        int radix = 10;
        String digits = part;
        if (isHexPrefixed(part)) {
            radix = 16;
            digits = part.substring(2);
            if (digits.isEmpty()) {
                return 0; // inet_aton reads a bare "0x" as zero
            }
        } else if (part.length() > 1 && part.charAt(0) == '0') {
            radix = 8;
            digits = part.substring(1);
        }
        if (digits.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            int digit = c < 128 ? Character.digit(c, radix) : -1;
            if (digit < 0) {
                return -1;
            }
            value = value * radix + digit;
            if (value > 0xffffffffL) {
                return -1;
            }
        }
        return value;
    }

    private static boolean isHexPrefixed(String part) {
        return part.length() >= 2 && part.charAt(0) == '0' && (part.charAt(1) == 'x' || part.charAt(1) == 'X');
    }
}
