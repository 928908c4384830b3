package com.idp.push.bench;

import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.idp.push.delivery.Exchange;
import com.idp.push.delivery.HttpSender;

/**
 * The ceiling S1 is compared with: the service's own {@link HttpSender}, driven straight at the fast
 * endpoint with {@code concurrency} requests always in flight, no Kafka, no database. Bodies are the
 * size of the engine's request bodies.
 */
final class RawCeiling {

    private RawCeiling() {
    }

    /** Requests per second and the round-trip percentiles. */
    static Result run(HttpSender sender, URI url, int requests, int concurrency) throws InterruptedException {
        byte[] body = EventSource.event("RAW-0", "RULE_RAW", 0);
        Recorder.Samples rtt = new Recorder.Samples(requests);
        AtomicInteger started = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(concurrency);
        long start = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            next(sender, url, body, requests, started, ok, rtt, done);
        }
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("raw ceiling did not finish in 120 s");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(ok.get(), seconds, rtt.percentileMs(50), rtt.percentileMs(99));
    }

    /** One chain of requests: each completion starts the next, so {@code concurrency} stay in flight. */
    private static void next(HttpSender sender, URI url, byte[] body, int requests, AtomicInteger started,
            AtomicInteger ok, Recorder.Samples rtt, CountDownLatch done) {
        int n = started.getAndIncrement();
        if (n >= requests) {
            done.countDown();
            return;
        }
        long t0 = System.nanoTime();
        sender.send(Baseline.request(url, "RAW-" + n, body)).whenComplete((exchange, error) -> {
            rtt.add(System.nanoTime() - t0);
            if (exchange instanceof Exchange.Response r && r.status() == 200) {
                ok.incrementAndGet();
            }
            next(sender, url, body, requests, started, ok, rtt, done);
        });
    }

    record Result(long requests, double seconds, double p50Ms, double p99Ms) {
        double perSecond() {
            return requests / seconds;
        }
    }
}
