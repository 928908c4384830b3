package com.idp.push.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The machine's CPU time from {@code /proc/stat} (Linux), to tell whether a phase of a benchmark was bound by
 * the cores it had: busy cores = (all ticks - idle - iowait) / all ticks x cores, between two readings.
 */
final class MachineCpu {

    private MachineCpu() {
    }

    /** {busy ticks, all ticks}, or zeros where /proc/stat cannot be read. */
    static long[] read() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0); // "cpu  user nice system idle iowait irq softirq steal ..."
            long[] ticks = Arrays.stream(cpu.substring(3).trim().split("\\s+")).limit(8).mapToLong(Long::parseLong).toArray();
            long all = Arrays.stream(ticks).sum();
            return new long[] {all - ticks[3] - ticks[4], all};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    static double busyCores(long[] start, long[] end) {
        long all = end[1] - start[1];
        return all <= 0 ? 0 : (double) (end[0] - start[0]) / all * Runtime.getRuntime().availableProcessors();
    }
}
