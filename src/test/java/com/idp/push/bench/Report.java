package com.idp.push.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's result as Markdown: printed, and written into {@code docs/performance.md} between two
 * markers, so the hand-written explanation around it survives a re-run.
 */
final class Report {

    static final String BEGIN = "<!-- bench:generated:begin (written by bench/run; edits here are overwritten) -->";
    static final String END = "<!-- bench:generated:end -->";

    /** One line of the table; NaN shows as "–", {@code met} null as "–". */
    record Row(String scenario, double perSecond, double p50Ms, double p99Ms, CpuMeter.Usage cpu, long deliveries,
            String comparison, String target, Boolean met) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Profiler.Summary profile;
    private double profiledRate;
    private final String startLoad = firstLine("/proc/loadavg");

    void add(Row row) {
        rows.add(row);
        System.out.println("[bench] " + line(row));
    }

    void note(String note) {
        notes.add(note);
        System.out.println("[bench] " + note);
    }

    /** @param profiledRate deliveries/s of the burst while it was recorded (the recording's cost shows) */
    void profile(Profiler.Summary summary, double profiledRate) {
        this.profile = summary;
        this.profiledRate = profiledRate;
    }

    String markdown(String command, double minutes) {
        StringBuilder md = new StringBuilder();
        md.append("Run: `").append(command).append("` on ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withLocale(Locale.ROOT)))
                .append(String.format(Locale.ROOT, ", %.1f minutes.%n%n", minutes));
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores (")
                .append(cpuModel()).append("), ").append(memory()).append(", ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version")).append(", Java ")
                .append(System.getProperty("java.runtime.version")).append(" (").append(System.getProperty("java.vm.name"))
                .append("), heap max ").append(Runtime.getRuntime().maxMemory() >> 20).append(" MB, JVM flags `")
                .append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())).append("`. ")
                .append("Load average when the run started: ").append(startLoad).append(".\n\n");
        md.append("| scenario | deliveries/s | p50 ms | p99 ms | CPU cores JVM / machine | CPU µs per delivery (JVM) "
                + "| compared with | target | met? |\n|---|---:|---:|---:|---:|---:|---|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(r.scenario()).append(" | ").append(num(r.perSecond(), 0)).append(" | ")
                    .append(num(r.p50Ms(), 1)).append(" | ").append(num(r.p99Ms(), 1)).append(" | ")
                    .append(r.cpu() == null ? "–" : num(r.cpu().process(), 2) + " / " + num(r.cpu().machine(), 2)).append(" | ")
                    .append(r.cpu() == null ? "–" : num(r.cpu().microsPer(r.deliveries()), 0)).append(" | ")
                    .append(r.comparison()).append(" | ").append(r.target()).append(" | ")
                    .append(r.met() == null ? "–" : r.met() ? "yes" : "**no**").append(" |\n");
        }
        md.append('\n');
        for (String note : notes) {
            md.append("- ").append(note).append('\n');
        }
        if (profile != null) {
            md.append("\nProfile of a second S1 burst (async-profiler, CPU time sampled every 2 ms in every thread, ")
                    .append(profile.samples()).append(" samples; flame graph in `").append(profile.file())
                    .append("`). Profiled, the burst ran at ").append(num(profiledRate, 0))
                    .append(" deliveries/s; the S1 row above is measured without the profiler.\n\n");
            table(md, "hottest frames (self time; Java, native and kernel)", profile.leaves());
            table(md, "innermost idp-push frame of each sample (time spent under it, libraries included)", profile.ours());
            table(md, "thread of each sample (numbers folded: a pool is one line)", profile.threads());
        }
        return md.toString();
    }

    private void table(StringBuilder md, String title, Map<String, Long> counts) {
        md.append("| ").append(title).append(" | share |\n|---|---:|\n");
        counts.forEach((method, n) -> md.append("| `").append(method).append("` | ")
                .append(num(100.0 * n / Math.max(1, profile.samples()), 1)).append(" % |\n"));
        md.append('\n');
    }

    /** Replaces the generated part of the document (or creates the document around it). */
    static void write(Path doc, String generated) throws IOException {
        String block = BEGIN + "\n" + generated + END;
        String text;
        if (Files.exists(doc)) {
            text = Files.readString(doc);
            int b = text.indexOf(BEGIN);
            int e = text.indexOf(END);
            text = b >= 0 && e > b ? text.substring(0, b) + block + text.substring(e + END.length())
                    : text + "\n" + block + "\n";
        } else {
            text = "# Performance\n\n" + block + "\n";
        }
        Files.writeString(doc, text);
    }

    private static String line(Row r) {
        return String.format(Locale.ROOT, "%-45s %9s/s p50 %7s ms p99 %7s ms cpu %s  %s  [%s: %s]", r.scenario(),
                num(r.perSecond(), 0), num(r.p50Ms(), 1), num(r.p99Ms(), 1),
                r.cpu() == null ? "–" : num(r.cpu().process(), 2) + "/" + num(r.cpu().machine(), 2) + " cores, "
                        + num(r.cpu().microsPer(r.deliveries()), 0) + " µs/delivery",
                r.comparison(), r.target(), r.met() == null ? "–" : r.met() ? "met" : "NOT met");
    }

    static String num(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, decimals == 0 ? "%,.0f" : "%,." + decimals + "f", v);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memory() {
        String total = firstLine("/proc/meminfo");
        try {
            long kb = Long.parseLong(total.replaceAll("\\D", ""));
            return String.format(Locale.ROOT, "%.1f GiB RAM", kb / 1024.0 / 1024.0);
        } catch (NumberFormatException e) {
            return "unknown RAM";
        }
    }

    private static String firstLine(String file) {
        try {
            return Files.readAllLines(Path.of(file)).get(0).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
