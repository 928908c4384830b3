package com.idp.push.ssrf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * An address range, e.g. {@code 10.0.0.0/8} or {@code fc00::/7}: the first {@code prefixLength} bits of
 * {@code network}. IPv4 ranges match only 4-byte addresses and IPv6 ranges only 16-byte ones; IPv6
 * forms that embed an IPv4 address are unpacked by {@link EmbeddedIpv4}, not here.
 *
 * @param text the range as written, for messages
 */
public record Cidr(String text, byte[] network, int prefixLength) {

    public Cidr {
        network = network.clone();
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + network.length);
        }
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefix length must be 0.." + network.length * 8 + ", was " + prefixLength);
        }
        for (int bit = prefixLength; bit < network.length * 8; bit++) {
            if (bit(network, bit)) {
                throw new IllegalArgumentException("has bits set after the /" + prefixLength
                        + " prefix (write the network address, or /" + network.length * 8 + " for one address)");
            }
        }
    }

    /**
     * Parses {@code 192.168.0.0/16}, {@code fd00::/8}, or a single address ({@code 10.1.2.3} = /32).
     * IPv4 must be the plain dotted quad: a range in configuration should read unambiguously.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Cidr parse(String text) {
        String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = address.indexOf(':') >= 0 ? ipv6(address) : dottedQuad(address);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address or range");
        }
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            String digits = trimmed.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length after '/'");
            }
            prefix = Integer.parseInt(digits);
        }
        try {
            return new Cidr(trimmed, bytes, prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' " + e.getMessage(), e);
        }
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int whole = prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[whole] & mask) == (network[whole] & mask);
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr c && prefixLength == c.prefixLength && Arrays.equals(network, c.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        return text;
    }

    private static boolean bit(byte[] bytes, int index) {
        return (bytes[index / 8] & (0x80 >>> (index % 8))) != 0;
    }

    /** Exactly four decimal parts 0..255 without leading zeros (which some parsers read as octal). */
    private static byte[] dottedQuad(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || part.length() > 1 && part.charAt(0) == '0') {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    /** IPv6 text via the JDK, kept as 16 bytes even for ::ffff:a.b.c.d (which the JDK turns into IPv4). */
    private static byte[] ipv6(String text) {
        if (!text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            return null; // also keeps zone ids and anything the JDK might try to look up out
        }
        try {
            byte[] bytes = InetAddress.getByName(text).getAddress();
            return bytes.length == 16 ? bytes : EmbeddedIpv4.mapped(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
