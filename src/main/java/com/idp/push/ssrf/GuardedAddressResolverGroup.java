package com.idp.push.ssrf;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;

/**
 * Netty address resolution through the {@link AddressGuard}, for {@code HttpClient.resolver(...)}.
 * Netty connects to the address this returns while the URL's host stays in the Host header and in TLS
 * SNI and certificate checks: the connection is pinned to the checked address, and nothing resolves
 * the name a second time between the check and the connect (no DNS rebinding window).
 */
public final class GuardedAddressResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    private final AddressGuard guard;

    public GuardedAddressResolverGroup(AddressGuard guard) {
        this.guard = guard;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new GuardedResolver(executor, guard);
    }

    private static final class GuardedResolver extends AbstractAddressResolver<InetSocketAddress> {

        private final AddressGuard guard;

        GuardedResolver(EventExecutor executor, AddressGuard guard) {
            super(executor, InetSocketAddress.class);
            this.guard = guard;
        }

        /**
         * Never "already resolved": otherwise Netty would connect to an address the HTTP client made
         * from an IP literal without asking the guard.
         */
        @Override
        protected boolean doIsResolved(InetSocketAddress address) {
            return false;
        }

        @Override
        protected void doResolve(InetSocketAddress address, Promise<InetSocketAddress> promise) {
            checked(address).whenComplete((addresses, error) -> {
                if (error != null) {
                    promise.tryFailure(unwrap(error));
                } else {
                    promise.trySuccess(addresses.get(0));
                }
            });
        }

        @Override
        protected void doResolveAll(InetSocketAddress address, Promise<List<InetSocketAddress>> promise) {
            checked(address).whenComplete((addresses, error) -> {
                if (error != null) {
                    promise.tryFailure(unwrap(error));
                } else {
                    promise.trySuccess(addresses);
                }
            });
        }

        private CompletableFuture<List<InetSocketAddress>> checked(InetSocketAddress address) {
            CompletableFuture<List<InetAddress>> addresses = address.isUnresolved()
                    ? guard.addressesFor(address.getHostString())
                    : guard.check(address.getAddress());
            return addresses.thenApply(list -> list.stream()
                    .map(a -> new InetSocketAddress(a, address.getPort())).toList());
        }

        private static Throwable unwrap(Throwable error) {
            return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        }
    }
}
