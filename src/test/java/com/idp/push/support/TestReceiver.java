package com.idp.push.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.awaitility.Awaitility;

/**
 * A real HTTP server on 127.0.0.1 standing in for a webhook endpoint.
 *
 * <p>Why: the push service must be tested against real sockets (timeouts, retries, connection
 * handling), not a mocked client. Each path can be scripted (status sequence, headers, body,
 * delay, hang) and every request is recorded for assertions. Unscripted paths answer 200 with an
 * empty body.
 *
 * <pre>{@code
 * try (TestReceiver receiver = TestReceiver.start()) {
 *     receiver.on("/hook").respondSequence(503, 503, 200);
 *     // ... point a webhook at receiver.url("/hook") ...
 *     receiver.awaitRequests("/hook", 3, Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>Requests are handled on a cached (unbounded) thread pool because scripted requests may hang
 * or be delayed; a small fixed pool would starve. A hung request is aborted (connection dropped,
 * no response) by {@link #reset()} or {@link #close()}.
 */
public final class TestReceiver implements AutoCloseable {

    static {
        // A healthy receiver keeps its keep-alive connections. The JDK server's defaults close a connection idle for
        // 30 s and any idle one beyond 200; the close races with the client reusing it, and the request fails with
        // "connection closed before a complete response" (seen in BrokerPauseIT: a 30 s pause, 400 requests/s).
        // Read once, when the JDK server's configuration is first loaded: set before any HttpServer is created.
        System.setProperty("sun.net.httpserver.idleInterval", System.getProperty("sun.net.httpserver.idleInterval", "3600"));
        System.setProperty("sun.net.httpserver.maxIdleConnections",
                System.getProperty("sun.net.httpserver.maxIdleConnections", "100000"));
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final List<ReceivedRequest> recorded = new ArrayList<>(); // guarded by itself
    private volatile CountDownLatch release = new CountDownLatch(1); // counted down to abort hung requests

    private TestReceiver(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a receiver on 127.0.0.1 with an ephemeral port. */
    public static TestReceiver start() {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-receiver-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
            server.setExecutor(executor);
            TestReceiver receiver = new TestReceiver(server, executor);
            server.createContext("/", receiver::handle);
            server.start();
            return receiver;
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot start test receiver", e);
        }
    }

    /** The port the receiver listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port><path>}; {@code path} should start with '/'. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /**
     * Starts (or replaces) the script for {@code path} (exact match, query string ignored).
     * Configure it with the returned builder, e.g. {@code on("/a").delay(d).respond(200)}.
     */
    public Script on(String path) {
        Script script = new Script();
        scripts.put(path, script);
        return script;
    }

    /** Requests received on {@code path}, in arrival order (a snapshot). */
    public List<ReceivedRequest> requests(String path) {
        synchronized (recorded) {
            return recorded.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    /** All requests received, in arrival order (a snapshot). */
    /** The distinct task ids of the requests received on {@code path} whose task id starts with {@code prefix}. */
    public Set<String> taskIds(String path, String prefix) {
        Set<String> tasks = new HashSet<>();
        for (ReceivedRequest request : requests(path)) {
            if (request.taskId().startsWith(prefix)) {
                tasks.add(request.taskId());
            }
        }
        return tasks;
    }

    public List<ReceivedRequest> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /**
     * Waits until at least {@code count} requests arrived on {@code path} and returns them all
     * (may be more than {@code count}); fails with an Awaitility timeout otherwise.
     */
    public List<ReceivedRequest> awaitRequests(String path, int count, Duration timeout) {
        return Awaitility.await("at least " + count + " request(s) on " + path)
                .atMost(timeout)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> requests(path), list -> list.size() >= count);
    }

    /** Forgets all scripts and recorded requests, and aborts requests currently hung. */
    public void reset() {
        scripts.clear();
        synchronized (recorded) {
            recorded.clear();
        }
        CountDownLatch old = release;
        release = new CountDownLatch(1);
        old.countDown();
    }

    /** Stops the server at once; hung and delayed requests are aborted. */
    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ request handling

    private void handle(HttpExchange exchange) throws IOException {
        CountDownLatch releaseAtArrival = release;
        try (exchange) {
            Instant at = Instant.now();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            ReceivedRequest request = new ReceivedRequest(exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders(), body, at);
            synchronized (recorded) {
                recorded.add(request);
            }

            Script script = scripts.get(path);
            if (script == null) {
                send(exchange, Response.OK);
                return;
            }
            if (script.hang) {
                releaseAtArrival.await(); // until reset() or close(); then drop the connection
                return;
            }
            if (!script.delay.isZero() && releaseAtArrival.await(script.delay.toMillis(), TimeUnit.MILLISECONDS)) {
                return; // aborted by reset()/close() during the delay
            }
            send(exchange, script.next());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close(): the connection is dropped
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        response.headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        byte[] bytes = response.body.getBytes(StandardCharsets.UTF_8);
        boolean noBody = bytes.length == 0 || response.status == 204 || response.status == 304
                || response.status < 200 || "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
        exchange.sendResponseHeaders(response.status, noBody ? -1 : bytes.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private record Response(int status, Map<String, String> headers, String body) {
        static final Response OK = new Response(200, Map.of(), "");
    }

    /**
     * How one path answers. Methods return {@code this} for chaining; the last of
     * {@code respond}/{@code respondSequence} wins. Default: 200, no delay.
     */
    public static final class Script {
        private volatile List<Response> responses = List.of(Response.OK);
        private final AtomicInteger index = new AtomicInteger();
        private volatile Duration delay = Duration.ZERO;
        private volatile boolean hang;

        private Script() {
        }

        /** Always answer {@code status} with an empty body. */
        public Script respond(int status) {
            return respond(status, Map.of(), "");
        }

        /** Always answer with this status, these headers and this (UTF-8) body. */
        public Script respond(int status, Map<String, String> headers, String body) {
            setResponses(List.of(new Response(status, Map.copyOf(headers), Objects.requireNonNullElse(body, ""))));
            return this;
        }

        /** Answer the statuses in order, one per request; the last one repeats afterwards. */
        public Script respondSequence(int... statuses) {
            if (statuses.length == 0) {
                throw new IllegalArgumentException("at least one status");
            }
            List<Response> list = new ArrayList<>();
            for (int status : statuses) {
                list.add(new Response(status, Map.of(), ""));
            }
            setResponses(List.copyOf(list));
            return this;
        }

        /** Wait this long before answering (the request is recorded on arrival). */
        public Script delay(Duration delay) {
            this.delay = Objects.requireNonNull(delay);
            return this;
        }

        /** Never answer: the request is recorded and held until reset()/close(), then the connection is dropped. */
        public Script hang() {
            this.hang = true;
            return this;
        }

        private synchronized void setResponses(List<Response> list) {
            responses = list;
            index.set(0);
        }

        private synchronized Response next() {
            List<Response> list = responses;
            int i = index.getAndIncrement();
            return list.get(Math.min(i, list.size() - 1));
        }
    }
}
