package com.idp.push.bench;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the receiver saw during one measured phase. Events are numbered: task id {@code <prefix><index>},
 * and {@link #produced} notes when event {@code index} was handed to the producer (same JVM, same
 * {@link System#nanoTime()} clock as the receiver), so the end-to-end latency of a first attempt is its
 * receive time minus its event's produce time. A delivery whose first attempt never reached the
 * endpoint (refused by its bulkhead) counts when its retry arrives. Requests of other phases (other prefixes) are ignored.
 * Thread-safe: the receiver's event loops report concurrently.
 */
final class Recorder {

    static final Recorder NONE = new Recorder("\u0000none", 0, 0, 1);

    private final String prefix;
    private final long[] producedNs;
    private final long retryDelayNs;
    private final int perEndpointCapacity;
    private final ConcurrentHashMap<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> firstAttemptNs = new ConcurrentHashMap<>();
    private final Samples lateness;
    private volatile long firstProducedNs;
    /** When the first request of the phase arrived: where throughput of pre-produced events starts. */
    private final AtomicLong firstReceivedNs = new AtomicLong();
    /** The longest first-attempt latency of the events produced in each second of the phase, in ns. */
    private final java.util.concurrent.atomic.AtomicLongArray worstBySecond = new java.util.concurrent.atomic.AtomicLongArray(600);

    /**
     * @param events events of the phase
     * @param retryDelayNs the configured delay before the first retry, for the lateness of retries
     * @param fanOut deliveries per event at most (sizes the latency arrays)
     */
    Recorder(String prefix, int events, long retryDelayNs, int fanOut) {
        this.prefix = prefix;
        this.producedNs = new long[events];
        this.retryDelayNs = retryDelayNs;
        this.perEndpointCapacity = events;
        this.lateness = new Samples(retryDelayNs > 0 ? events : 0);
    }

    String taskId(int index) {
        return prefix + index;
    }

    void produced(int index, long nowNs) {
        if (index == 0) {
            firstProducedNs = nowNs;
        }
        producedNs[index] = nowNs;
    }

    long firstProducedNs() {
        return firstProducedNs;
    }

    /** 0 until the first request arrived. */
    long firstReceivedNs() {
        return firstReceivedNs.get();
    }

    /** The last request counted by {@link #measure}, in {@link System#nanoTime()}, or 0. */
    long lastReceivedNs() {
        return endpoints.values().stream().mapToLong(e -> e.lastNs.get()).max().orElse(0);
    }

    void received(String taskId, String webhookId, String deliveryId, String attempt, long nowNs) {
        if (taskId == null || webhookId == null || !taskId.startsWith(prefix)) {
            return;
        }
        int index;
        try {
            index = Integer.parseInt(taskId, prefix.length(), taskId.length(), 10);
        } catch (NumberFormatException e) {
            return;
        }
        if (index < 0 || index >= producedNs.length) {
            return;
        }
        firstReceivedNs.compareAndSet(0, nowNs);
        Endpoint endpoint = endpoints.computeIfAbsent(webhookId, id -> new Endpoint(perEndpointCapacity));
        if ("1".equals(attempt)) {
            endpoint.received(nowNs, producedNs[index] == 0 ? -1 : nowNs - producedNs[index]);
            if (producedNs[index] != 0) {
                int second = (int) ((producedNs[index] - firstProducedNs) / 1_000_000_000L);
                if (second >= 0 && second < worstBySecond.length()) {
                    worstBySecond.accumulateAndGet(second, nowNs - producedNs[index], Math::max);
                }
            }
            if (retryDelayNs > 0 && deliveryId != null) {
                firstAttemptNs.put(deliveryId, nowNs);
            }
        } else if (deliveryId != null) {
            // a retry reaching the endpoint (e.g. after an "endpoint busy" refusal): counted once per delivery
            endpoint.retried(deliveryId, nowNs);
        }
        if ("2".equals(attempt) && retryDelayNs > 0 && deliveryId != null) {
            Long first = firstAttemptNs.get(deliveryId);
            if (first != null) {
                // due = first answer + delay; the answer leaves right after the request arrived, so this
                // overstates the lateness by the 503's round trip at most
                lateness.add(nowNs - (first + retryDelayNs));
            }
        }
    }

    /** First attempts received by the given endpoints (all when {@code only} is null) minus {@code except}. */
    Measured measure(Set<String> only, Set<String> except) {
        long count = 0;
        long lastNs = firstProducedNs;
        Samples merged = new Samples(0);
        for (var entry : endpoints.entrySet()) {
            if ((only != null && !only.contains(entry.getKey())) || except.contains(entry.getKey())) {
                continue;
            }
            Endpoint endpoint = entry.getValue();
            count += endpoint.count.get() + endpoint.retried.size();
            lastNs = Math.max(lastNs, endpoint.lastNs.get());
            merged = merged.plus(endpoint.latencies);
        }
        return new Measured(count, (lastNs - firstProducedNs) / 1e9, merged.percentileMs(50), merged.percentileMs(99),
                endpoints.keySet().stream().filter(k -> (only == null || only.contains(k)) && !except.contains(k)).count());
    }

    /** The longest first-attempt latency, in ms, of the events produced in each of the first {@code seconds}. */
    long[] worstMsBySecond(int seconds) {
        long[] worst = new long[Math.min(seconds, worstBySecond.length())];
        for (int i = 0; i < worst.length; i++) {
            worst[i] = worstBySecond.get(i) / 1_000_000;
        }
        return worst;
    }

    long received(Set<String> except) {
        return endpoints.entrySet().stream().filter(e -> !except.contains(e.getKey()))
                .mapToLong(e -> e.getValue().count.get() + e.getValue().retried.size()).sum();
    }

    /** Deliveries whose request arrived only on a retry (their first attempt was refused or failed). */
    long retried() {
        return endpoints.values().stream().mapToLong(e -> e.retried.size()).sum();
    }

    Samples lateness() {
        return lateness;
    }

    /**
     * @param seconds from the first event produced to the last request received
     * @param endpoints how many endpoints were counted
     */
    record Measured(long deliveries, double seconds, double p50Ms, double p99Ms, long endpoints) {
        double perSecond() {
            return seconds <= 0 ? 0 : deliveries / seconds;
        }
    }

    private static final class Endpoint {
        final AtomicInteger count = new AtomicInteger();
        final AtomicLong lastNs = new AtomicLong();
        final Set<String> retried = ConcurrentHashMap.newKeySet();
        final Samples latencies;

        Endpoint(int capacity) {
            this.latencies = new Samples(capacity);
        }

        void received(long nowNs, long latencyNs) {
            count.incrementAndGet();
            lastNs.accumulateAndGet(nowNs, Math::max);
            if (latencyNs >= 0) {
                latencies.add(latencyNs);
            }
        }

        void retried(String deliveryId, long nowNs) {
            if (retried.add(deliveryId)) {
                lastNs.accumulateAndGet(nowNs, Math::max);
            }
        }
    }

    /** A bounded, lock-free list of nanosecond samples. */
    static final class Samples {
        private final long[] values;
        private final AtomicInteger size = new AtomicInteger();

        Samples(int capacity) {
            this.values = new long[capacity];
        }

        void add(long value) {
            int i = size.getAndIncrement();
            if (i < values.length) {
                values[i] = value;
            }
        }

        int size() {
            return Math.min(size.get(), values.length);
        }

        Samples plus(Samples other) {
            // each size read once: samples go on arriving while a test measures (MemoryBoundIT polls), and a size
            // read again for the copy could be larger than the one the sum was made for
            int mine = size();
            int theirs = other.size();
            Samples sum = new Samples(mine + theirs);
            System.arraycopy(values, 0, sum.values, 0, mine);
            System.arraycopy(other.values, 0, sum.values, mine, theirs);
            sum.size.set(sum.values.length);
            return sum;
        }

        double percentileMs(double p) {
            int n = size();
            if (n == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(values, n);
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(p / 100.0 * n) - 1;
            return sorted[Math.max(0, Math.min(n - 1, rank))] / 1e6;
        }

        double maxMs() {
            return percentileMs(100);
        }
    }
}
