package com.idp.push.ssrf;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;

import com.idp.push.webhook.SaveTimeUrlCheck;

/**
 * The save-time half of the guard: refuses a webhook URL whose host is, in any spelling, an address the
 * guard would block, so the operator hears about it from the API rather than from the DLQ.
 *
 * <p>Host names are deliberately not resolved here: what a name resolves to can change after the
 * webhook is saved (that is exactly what DNS rebinding does), and a name that does not resolve yet may
 * be correct tomorrow. The send-time check runs on every attempt regardless, against the addresses
 * actually connected to. The one exception is {@code localhost} (and {@code *.localhost}), which RFC 6761
 * reserves for loopback, so no lookup can make it mean anything else.
 */
final class LiteralAddressUrlCheck implements SaveTimeUrlCheck {

    private final AddressPolicy policy;

    LiteralAddressUrlCheck(AddressPolicy policy) {
        this.policy = policy;
    }

    @Override
    public String problemWith(URI url) {
        String host = url.getHost();
        if (host == null) {
            return null; // the validator refuses URLs without a host itself
        }
        IpLiterals.Host parsed = IpLiterals.classify(host);
        if (parsed instanceof IpLiterals.Malformed malformed) {
            return malformed.reason();
        }
        InetAddress address = parsed instanceof IpLiterals.Literal literal ? literal.address()
                : isLocalhost(host) ? InetAddress.getLoopbackAddress() : null;
        if (address != null && policy.decide(address) instanceof AddressDecision.Blocked blocked) {
            return blocked.reason();
        }
        return null;
    }

    private static boolean isLocalhost(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return name.equals("localhost") || name.endsWith(".localhost");
    }
}
