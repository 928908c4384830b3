package com.idp.push.delivery;

import java.net.ConnectException;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import com.idp.push.ssrf.BlockedAddressException;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.resolver.AddressResolverGroup;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;

/**
 * Sends {@link DeliveryRequest}s with Reactor Netty: non-blocking, pooled keep-alive connections per
 * webhook and remote address, redirects never followed, a total deadline per request that also cuts off a body
 * that trickles, and response bodies read only up to a cap (the rest is not downloaded). Host names are
 * resolved only by the given resolver group (the SSRF guard's), which also decides where to connect.
 *
 * <p>{@link #send} never completes exceptionally: every failure becomes an {@link Exchange.NoResponse}.
 * Thread-safe; one instance serves the whole service.
 */
public final class HttpSender implements AutoCloseable {

    private final int maxConnectionsPerAddress;
    private final Duration connectTimeout;
    private final AddressResolverGroup<? extends SocketAddress> resolver;
    private final int maxBodyBytes;
    /** For sends that name no webhook (the connection test of the API, the benchmark's baseline). */
    private final Pool shared;
    /**
     * One pool per webhook, so webhooks on one host do not share one fate: an endpoint that hangs holds only its
     * own connections (as many as its bulkhead admits attempts), and another webhook on the same host never
     * waits for a connection behind it, which its deadline and its breaker would count as the endpoint's fault.
     */
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();

    /**
     * @param maxConnectionsPerAddress connections of one webhook's pool to one remote address
     * @param resolver resolves and checks every remote address (e.g. {@code GuardedAddressResolverGroup});
     *        owned by the caller
     */
    public HttpSender(int maxConnectionsPerAddress, Duration connectTimeout, int maxBodyBytes,
            AddressResolverGroup<? extends SocketAddress> resolver) {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        this.connectTimeout = connectTimeout;
        this.resolver = resolver;
        this.maxBodyBytes = maxBodyBytes;
        this.shared = newPool("idp-push");
    }

    private Pool newPool(String name) {
        ConnectionProvider connections = ConnectionProvider.builder(name)
                .maxConnections(maxConnectionsPerAddress)
                .pendingAcquireMaxCount(-1) // the engine's in-flight bound and the bulkheads limit the queue
                .maxIdleTime(Duration.ofSeconds(30))
                .evictInBackground(Duration.ofSeconds(30))
                .build();
        HttpClient client = HttpClient.create(connections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .resolver(resolver)
                .followRedirect(false)
                .compress(false)
                .keepAlive(true);
        return new Pool(client, connections);
    }

    public CompletableFuture<Exchange> send(DeliveryRequest request) {
        return exchange(shared.client(), request).toFuture();
    }

    /**
     * Sends on the webhook's own connections, unless {@code giveUp} completes first: then the request is
     * cancelled (its connection closed, its pool slot freed) and the result is what {@code giveUp} completed with.
     */
    public CompletableFuture<Exchange> send(String webhookId, DeliveryRequest request,
            CompletableFuture<? extends Exchange> giveUp) {
        HttpClient client = pools.computeIfAbsent(webhookId, id -> newPool("idp-push-" + id)).client();
        return Mono.firstWithSignal(exchange(client, request), Mono.fromFuture(giveUp, true)).toFuture();
    }

    private Mono<Exchange> exchange(HttpClient client, DeliveryRequest request) {
        long started = System.nanoTime();
        // headers go on the request itself: client.headers(..) would copy the client's whole configuration
        // on every request, a cost the benchmark's profile showed (docs/performance.md)
        return client
                .post()
                .uri(request.url())
                .send((outbound, out) -> {
                    request.headers().forEach(outbound::header);
                    return out.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(request.body())));
                })
                .response((response, body) -> readCapped(response, body, started))
                .next()
                .timeout(request.timeout())
                .onErrorResume(error -> Mono.just(failure(error, request.timeout(), started)));
    }

    private Mono<Exchange> readCapped(HttpClientResponse response, ByteBufFlux body, long started) {
        CappedBody capped = new CappedBody(maxBodyBytes);
        return body.asByteArray()
                .takeUntil(capped::append)
                .then(Mono.fromSupplier(() -> new Exchange.Response(response.status().code(),
                        headers(response), capped.text(), capped.truncated(), elapsedMs(started))));
    }

    private static Map<String, String> headers(HttpClientResponse response) {
        Map<String, String> headers = new LinkedHashMap<>();
        response.responseHeaders().forEach(h ->
                headers.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b));
        return headers;
    }

    static Exchange failure(Throwable error, Duration timeout, long started) {
        long elapsed = elapsedMs(started);
        if (find(error, BlockedAddressException.class) instanceof BlockedAddressException e) {
            return new Exchange.NoResponse(Exchange.Failure.BLOCKED_ADDRESS, e.getMessage(), elapsed);
        }
        if (error instanceof TimeoutException || find(error, ConnectTimeoutException.class) != null) {
            return new Exchange.NoResponse(Exchange.Failure.TIMEOUT,
                    "timeout: no complete response within " + timeout.toMillis() + " ms", elapsed);
        }
        if (find(error, UnknownHostException.class) instanceof UnknownHostException e) {
            return new Exchange.NoResponse(Exchange.Failure.DNS, "DNS lookup failed: " + e.getMessage(), elapsed);
        }
        if (find(error, SSLException.class) instanceof SSLException e) {
            return new Exchange.NoResponse(Exchange.Failure.TLS, "TLS error: " + e.getMessage(), elapsed);
        }
        if (find(error, ConnectException.class) instanceof ConnectException e) {
            return new Exchange.NoResponse(Exchange.Failure.CONNECTION, "connection failed: " + e.getMessage(), elapsed);
        }
        if (find(error, PrematureCloseException.class) != null) {
            return new Exchange.NoResponse(Exchange.Failure.CONNECTION,
                    "connection closed before a complete response", elapsed);
        }
        if (find(error, DecoderException.class) instanceof DecoderException e) {
            return new Exchange.NoResponse(Exchange.Failure.PROTOCOL, "malformed HTTP response: " + e.getMessage(), elapsed);
        }
        if (find(error, IllegalArgumentException.class) instanceof IllegalArgumentException e) {
            return new Exchange.NoResponse(Exchange.Failure.INVALID_REQUEST, "invalid request: " + e.getMessage(), elapsed);
        }
        return new Exchange.NoResponse(Exchange.Failure.CONNECTION,
                "I/O error: " + error.getClass().getSimpleName() + ": " + error.getMessage(), elapsed);
    }

    private static Throwable find(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    private static long elapsedMs(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    @Override
    public void close() {
        Mono.when(java.util.stream.Stream.concat(java.util.stream.Stream.of(shared), pools.values().stream())
                .map(pool -> pool.connections().disposeLater()).toList()).block(Duration.ofSeconds(5));
    }

    private record Pool(HttpClient client, ConnectionProvider connections) {
    }
}
