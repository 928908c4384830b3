package com.idp.push.ssrf;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Looks up the addresses of a host name. Pluggable so tests can answer like a hostile DNS server
 * (rebinding, mixed answers) without a network.
 */
@FunctionalInterface
public interface HostResolver {

    /**
     * @return every address of {@code host}; completes exceptionally with an
     *         {@link java.net.UnknownHostException} when the lookup fails. Must not block the caller.
     */
    CompletableFuture<List<InetAddress>> resolve(String host);
}
