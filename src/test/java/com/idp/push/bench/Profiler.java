package com.idp.push.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import one.profiler.AsyncProfiler;
import one.profiler.Counter;

/**
 * Samples where the CPU goes during a phase with async-profiler (CPU-time samples of every thread, Java,
 * native and kernel frames, the JIT and GC threads included), writes a flame graph and the collapsed
 * stacks, and summarises them: the hottest leaf frames (self time), the innermost frame of idp-push's own
 * code in each sample (which of our code paths the time is spent under, libraries included), and the
 * thread. JFR was the first choice; on this machine its recording cost two thirds of S1's throughput and
 * overstated intrinsic-heavy code (docs/performance.md).
 */
final class Profiler {

    private static final String NO_OWN_FRAME = "(no idp-push frame: broker, Kafka clients, Netty I/O, JDBC, GC, JIT ...)";

    private final AsyncProfiler profiler = AsyncProfiler.getInstance();

    Profiler start() throws IOException {
        profiler.execute("start,event=cpu,interval=2ms,threads");
        return this;
    }

    Summary stop(Path dir, String name) throws IOException {
        Path flameGraph = dir.resolve(name + ".html").toAbsolutePath();
        profiler.execute("stop,file=" + flameGraph);
        String collapsed = profiler.dumpCollapsed(Counter.SAMPLES);
        Path stacks = dir.resolve(name + ".collapsed");
        Files.writeString(stacks, collapsed);
        Map<String, Long> leaves = new HashMap<>();
        Map<String, Long> ours = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        long total = 0;
        for (String line : collapsed.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long samples = Long.parseLong(line.substring(space + 1).trim());
            String[] frames = line.substring(0, space).split(";");
            total += samples;
            threads.merge(threadGroup(frames[0]), samples, Long::sum);
            leaves.merge(frame(frames[frames.length - 1]), samples, Long::sum);
            String own = NO_OWN_FRAME;
            for (int i = frames.length - 1; i > 0; i--) {
                String f = frame(frames[i]);
                if (f.startsWith("com.idp.push.") && !f.startsWith("com.idp.push.bench.")) {
                    own = f;
                    break;
                }
            }
            ours.merge(own, samples, Long::sum);
        }
        return new Summary(flameGraph, total, top(leaves, 15), top(ours, 12), top(threads, 12));
    }

    /** A Java frame as package.Class.method; native and kernel frames as they come. */
    private static String frame(String raw) {
        return raw.replace('/', '.');
    }

    /** "[kafka-producer-network-thread | p-1 tid=123]" → the name with numbers folded, so a pool is one line. */
    private static String threadGroup(String raw) {
        String name = raw.startsWith("[") && raw.endsWith("]") ? raw.substring(1, raw.length() - 1) : raw;
        int tid = name.lastIndexOf(" tid=");
        if (tid >= 0) {
            name = name.substring(0, tid);
        }
        return name.replaceAll("\\d+", "#").replace('|', '/'); // a pipe would split the table cell
    }

    private static Map<String, Long> top(Map<String, Long> counts, int n) {
        Map<String, Long> top = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        return top;
    }

    /**
     * Sample counts; {@code leaves} by self time, {@code ours} by the innermost idp-push frame, {@code threads}
     * by thread (pool) name: broker, producer I/O, HTTP client, receiver, consumers, sinks, GC.
     */
    record Summary(Path file, long samples, Map<String, Long> leaves, Map<String, Long> ours,
            Map<String, Long> threads) {
    }
}
