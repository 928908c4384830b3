package com.idp.push.ssrf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The addresses a delivery to a host may connect to: the host's literal address, or every address
 * one DNS lookup returns, each checked by the {@link AddressPolicy}. One blocked answer refuses the
 * whole host: a name that mixes public and private answers is how DNS rebinding hides, and trying the
 * public ones only would still let the name decide. The caller connects to exactly these addresses
 * and never resolves again, so what was checked is what is connected to.
 */
public final class AddressGuard {

    private final AddressPolicy policy;
    private final HostResolver resolver;

    public AddressGuard(AddressPolicy policy, HostResolver resolver) {
        this.policy = policy;
        this.resolver = resolver;
    }

    /**
     * @return the checked addresses; completes exceptionally with {@link BlockedAddressException} when the
     *         host may not be reached, or {@link UnknownHostException} when it cannot be resolved
     */
    public CompletableFuture<List<InetAddress>> addressesFor(String host) {
        IpLiterals.Host parsed = IpLiterals.classify(host);
        if (parsed instanceof IpLiterals.Malformed malformed) {
            return CompletableFuture.failedFuture(new BlockedAddressException("blocked: " + malformed.reason()));
        }
        if (parsed instanceof IpLiterals.Literal literal) {
            return check(literal.address()); // a literal is never sent to DNS: it means itself
        }
        return resolver.resolve(host).handle((addresses, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                throw new CompletionException(cause instanceof UnknownHostException ? cause : unknown(host, cause));
            }
            if (addresses == null || addresses.isEmpty()) {
                throw new CompletionException(unknown(host, null));
            }
            for (InetAddress address : addresses) {
                if (policy.decide(address, host, addresses.size()) instanceof AddressDecision.Blocked blocked) {
                    throw new CompletionException(new BlockedAddressException(blocked.reason()));
                }
            }
            return List.copyOf(addresses);
        });
    }

    /** Checks an address a caller already has (e.g. resolved from a literal by the HTTP client). */
    public CompletableFuture<List<InetAddress>> check(InetAddress address) {
        if (policy.decide(address) instanceof AddressDecision.Blocked blocked) {
            return CompletableFuture.failedFuture(new BlockedAddressException(blocked.reason()));
        }
        return CompletableFuture.completedFuture(List.of(address));
    }

    private static UnknownHostException unknown(String host, Throwable cause) {
        UnknownHostException e = new UnknownHostException(host + ": no address found");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }
}
