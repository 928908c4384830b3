package com.idp.push.ssrf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
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

    public SystemHostResolver(int threads) {
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED), runnable -> {
                    Thread thread = new Thread(runnable, "idp-push-dns-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    @Override
    public CompletableFuture<List<InetAddress>> resolve(String host) {
        CompletableFuture<List<InetAddress>> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(List.of(InetAddress.getAllByName(host)));
                } catch (UnknownHostException e) {
                    result.completeExceptionally(e);
                } catch (RuntimeException e) {
                    result.completeExceptionally(unknown(host + ": " + e.getMessage(), e));
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(unknown(host + ": too many DNS lookups pending", e));
        }
        return result;
    }

    private static UnknownHostException unknown(String message, Throwable cause) {
        UnknownHostException e = new UnknownHostException(message);
        e.initCause(cause);
        return e;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
