package com.idp.push.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Samples where the CPU goes during a phase with JDK Flight Recorder (execution samples every 10 ms),
 * keeps the recording for {@code jfr print} / JMC, and summarises it: the hottest leaf methods (self
 * time) and, for each sample, the first frame of idp-push's own code (which of our code paths the time
 * is spent under, library time included).
 */
final class Profiler {

    private final Recording recording = new Recording();

    Profiler start() {
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.start();
        return this;
    }

    Summary stop(Path file) throws IOException {
        recording.stop();
        recording.dump(file);
        recording.close();
        Map<String, Integer> leaves = new HashMap<>();
        Map<String, Integer> ours = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            total++;
            List<RecordedFrame> frames = stack.getFrames();
            leaves.merge(name(frames.get(0)), 1, Integer::sum);
            String own = "(no idp-push frame: broker, Kafka clients, Netty I/O, JDBC, GC ...)";
            for (RecordedFrame frame : frames) {
                String n = name(frame);
                if (n.startsWith("com.idp.push.") && !n.startsWith("com.idp.push.bench.")) {
                    own = n;
                    break;
                }
            }
            ours.merge(own, 1, Integer::sum);
            threads.merge(threadGroup(event), 1, Integer::sum);
        }
        return new Summary(file, total, top(leaves, 15), top(ours, 12), top(threads, 12));
    }

    /** The sampled thread's name with numbers folded, so that a pool counts as one line. */
    private static String threadGroup(RecordedEvent event) {
        RecordedThread thread = event.getThread("sampledThread");
        String name = thread == null ? null : thread.getJavaName();
        return name == null ? "(unnamed)" : name.replaceAll("\\d+", "#").replace('|', '/'); // a pipe would split the table cell
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static Map<String, Integer> top(Map<String, Integer> counts, int n) {
        Map<String, Integer> top = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(n)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        return top;
    }

    /**
     * Sample counts; {@code leaves} by self time, {@code ours} by the innermost idp-push frame, {@code threads}
     * by thread (pool) name: broker, producer I/O, HTTP client, receiver, consumers, sinks.
     */
    record Summary(Path file, int samples, Map<String, Integer> leaves, Map<String, Integer> ours,
            Map<String, Integer> threads) {
    }
}
