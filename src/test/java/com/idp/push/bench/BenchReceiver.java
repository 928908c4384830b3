package com.idp.push.bench;

import java.time.Duration;

import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The webhook endpoints of the benchmark: a Reactor Netty server on 127.0.0.1, so that the receiver is
 * not what limits ten thousand requests a second on two cores (nothing here blocks a thread). What a
 * request gets depends on the first path segment:
 * <ul>
 * <li>{@code /fast/..}: 200 at once;</li>
 * <li>{@code /slow/..}: 200 after {@value #SLOW_MS} ms (a timer, not a sleeping thread);</li>
 * <li>{@code /hang/..}: never answers; the sender's deadline ends the attempt;</li>
 * <li>{@code /flaky/..}: 503 to the first attempt ({@code X-IDP-Attempt: 1}), 200 to the retries.</li>
 * </ul>
 * Every request is reported to the current {@link Recorder} when its headers arrive, which is the
 * "request received" instant of the end-to-end latency.
 *
 * <p>Runs on its own event loops, apart from the sender's, as a separate process would.
 */
final class BenchReceiver implements AutoCloseable {

    static final long SLOW_MS = 200;

    private final LoopResources loops = LoopResources.create("bench-receiver", 2, true);
    private final DisposableServer server;
    private volatile Recorder recorder = Recorder.NONE;

    BenchReceiver() {
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .runOn(loops)
                .handle(this::handle)
                .bindNow(Duration.ofSeconds(10));
    }

    /** Where a webhook with the given behaviour ({@code fast}, {@code slow}, {@code hang}, {@code flaky}) points. */
    String url(String behaviour, String webhookId) {
        return "http://127.0.0.1:" + server.port() + "/" + behaviour + "/" + webhookId;
    }

    /** From now on requests are reported to {@code next}. */
    void recordInto(Recorder next) {
        this.recorder = next;
    }

    private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        long now = System.nanoTime();
        String uri = request.uri();
        String attempt = request.requestHeaders().get("X-IDP-Attempt");
        recorder.received(request.requestHeaders().get("X-IDP-Task-Id"), request.requestHeaders().get("X-IDP-Webhook-Id"),
                request.requestHeaders().get("X-IDP-Delivery-Id"), attempt, now);
        // the body is read (and released) before answering, so the connection stays reusable
        Mono<Void> drained = request.receive().then();
        if (uri.startsWith("/slow/")) {
            return drained.then(Mono.delay(Duration.ofMillis(SLOW_MS))).then(ok(response));
        }
        if (uri.startsWith("/hang/")) {
            return drained.then(Mono.never());
        }
        if (uri.startsWith("/flaky/") && "1".equals(attempt)) {
            return drained.then(Mono.defer(() -> response.status(HttpResponseStatus.SERVICE_UNAVAILABLE).send().then()));
        }
        return drained.then(ok(response));
    }

    private static Mono<Void> ok(HttpServerResponse response) {
        return Mono.defer(() -> response.status(HttpResponseStatus.OK).sendString(Mono.just("{\"ok\":true}")).then());
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
        loops.disposeLater().block(Duration.ofSeconds(5));
    }
}
