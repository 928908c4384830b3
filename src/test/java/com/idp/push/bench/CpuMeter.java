package com.idp.push.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU used over a phase: this JVM's (broker, application, receiver and load generator all run in it)
 * and the whole machine's ({@code /proc/stat}: adds Postgres, and whatever else runs meanwhile).
 */
final class CpuMeter {

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long wallNs;
    private long processNs;
    private long[] machine;

    /** Cores used: {@code process} by this JVM, {@code machine} by everything. */
    record Usage(double process, double machine, double seconds) {
        double microsPer(long deliveries) {
            return deliveries == 0 ? Double.NaN : process * seconds * 1e6 / deliveries;
        }
    }

    CpuMeter start() {
        wallNs = System.nanoTime();
        processNs = os.getProcessCpuTime();
        machine = machineJiffies();
        return this;
    }

    Usage stop() {
        double seconds = (System.nanoTime() - wallNs) / 1e9;
        double process = (os.getProcessCpuTime() - processNs) / 1e9 / seconds;
        long[] now = machineJiffies();
        double machineCores = Double.NaN;
        if (now != null && machine != null && now[1] > machine[1]) {
            machineCores = (double) (now[0] - machine[0]) / (now[1] - machine[1]) * Runtime.getRuntime().availableProcessors();
        }
        return new Usage(process, machineCores, seconds);
    }

    /** {busy, total} jiffies of all CPUs, or null off Linux. */
    private static long[] machineJiffies() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
