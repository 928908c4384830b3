package com.idp.push.ssrf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operating system's resolver ({@link InetAddress#getAllByName}: /etc/hosts, search domains and the
 * JDK's cache, as every other Java client sees them). That call blocks, so it runs on a few dedicated
 * threads, never on a Netty event loop. The queue is bounded: when DNS is so slow that lookups pile up,
 * a delivery fails as a (retryable) DNS failure instead of the heap filling.
 */
public final class SystemHostResolver implements HostResolver, AutoCloseable {

    static final int MAX_QUEUED = 10_000;
    private final ThreadPoolExecutor executor;
    private final Lookup lookup;
    private final Map<String, CompletableFuture<List<InetAddress>>> inFlight = new ConcurrentHashMap<>();

    public SystemHostResolver(int threads) {
        this(threads, InetAddress::getAllByName);
    }

    SystemHostResolver(int threads, Lookup lookup) {
        this.lookup = lookup;
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED), runnable -> {
                    Thread thread = new Thread(runnable, "idp-push-dns-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Joins the lookup of the host already running, if there is one: an endpoint that hangs opens a connection per
     * attempt, and with each its own lookup a host whose DNS is slow would take every thread and queue the lookups
     * of every other host behind its own. The JDK caches the answer; this only shares the wait for it.
     */
    @Override
    public CompletableFuture<List<InetAddress>> resolve(String host) {
        CompletableFuture<List<InetAddress>> fresh = new CompletableFuture<>();
        CompletableFuture<List<InetAddress>> running = inFlight.putIfAbsent(host, fresh);
        if (running != null) {
            return running.copy(); // a copy: no caller can complete or cancel another's lookup
        }
        try {
            executor.execute(() -> {
                try {
                    List<InetAddress> addresses = List.of(lookup.addresses(host));
                    finish(host, fresh).complete(addresses);
                } catch (UnknownHostException e) {
                    finish(host, fresh).completeExceptionally(e);
                } catch (RuntimeException e) {
                    finish(host, fresh).completeExceptionally(unknown(host + ": " + e.getMessage(), e));
                }
            });
        } catch (RejectedExecutionException e) {
            finish(host, fresh).completeExceptionally(unknown(host + ": too many DNS lookups pending", e));
        }
        return fresh.copy();
    }

    /**
     * Ends the sharing before the answer is handed out: a caller woken by this lookup that asks again at once
     * must start a new lookup, not join the finished one (a completion callback would run after the waiters').
     */
    private CompletableFuture<List<InetAddress>> finish(String host, CompletableFuture<List<InetAddress>> lookup) {
        inFlight.remove(host, lookup);
        return lookup;
    }

    private static UnknownHostException unknown(String message, Throwable cause) {
        UnknownHostException e = new UnknownHostException(message);
        e.initCause(cause);
        return e;
    }

    /** The blocking lookup: the JDK's, or a test's. */
    @FunctionalInterface
    interface Lookup {
        InetAddress[] addresses(String host) throws UnknownHostException;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
