package com.idp.push.ssrf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The lookup threads are few and the lookup blocks: one host whose DNS hangs must not take them all. */
class SystemHostResolverTest {

    private static final InetAddress ADDRESS = InetAddress.getLoopbackAddress();

    @Test
    void lookupsOfAHostWhoseDnsHangsShareOneThreadAndOtherHostsResolveMeanwhile() throws Exception {
        CountDownLatch dnsAnswers = new CountDownLatch(1);
        AtomicInteger hangingLookups = new AtomicInteger();
        try (SystemHostResolver resolver = new SystemHostResolver(4, host -> {
            if (host.equals("hanging.example")) {
                hangingLookups.incrementAndGet();
                await(dnsAnswers);
            }
            return new InetAddress[] {ADDRESS};
        })) {
            // a hanging endpoint opens a new connection per attempt, each asking for its host again
            List<CompletableFuture<List<InetAddress>>> waiting = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                waiting.add(resolver.resolve("hanging.example"));
            }

            assertThat(resolver.resolve("healthy.example").get(2, TimeUnit.SECONDS))
                    .as("another host resolves while that one's DNS hangs").containsExactly(ADDRESS);
            assertThat(hangingLookups).as("one lookup at a time per host").hasValue(1);

            dnsAnswers.countDown();
            for (CompletableFuture<List<InetAddress>> lookup : waiting) {
                assertThat(lookup.get(2, TimeUnit.SECONDS)).containsExactly(ADDRESS);
            }
            assertThat(resolver.resolve("hanging.example").get(2, TimeUnit.SECONDS)).as("looked up again afterwards")
                    .containsExactly(ADDRESS);
            assertThat(hangingLookups).hasValue(2);
        }
    }

    @Test
    void aCallerWokenByALookupThatAsksAgainAtOnceStartsANewLookup() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        try (SystemHostResolver resolver = new SystemHostResolver(1, host -> {
            lookups.incrementAndGet();
            return new InetAddress[] {ADDRESS};
        })) {
            // the dependent runs on the lookup thread the moment the answer is handed out
            resolver.resolve("again.example").thenCompose(first -> resolver.resolve("again.example"))
                    .get(2, TimeUnit.SECONDS);

            assertThat(lookups).as("the second ask did not join the finished lookup").hasValue(2);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
