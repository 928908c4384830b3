package com.idp.push.pushlog;

import java.util.List;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The sinks' outage metrics, tagged {@code sink} ({@code attempt-log}, {@code dlq}), read from their {@link SinkStatus}. */
final class SinkMetrics {

    private SinkMetrics() {
    }

    static void bind(MeterRegistry meters, List<SinkStatus> sinks) {
        for (SinkStatus sink : sinks) {
            Gauge.builder("idp.push.sink.paused", sink, s -> s.isWaiting() ? 1 : 0)
                    .description("1 while the sink waits out a database outage, its partitions paused; else 0")
                    .tag("sink", sink.sink())
                    .register(meters);
            FunctionCounter.builder("idp.push.sink.outage.waits", sink, SinkStatus::outages)
                    .description("Times the sink began waiting out a database outage")
                    .tag("sink", sink.sink())
                    .register(meters);
            Gauge.builder("idp.push.sink.pending.records", sink, s -> {
                        SinkStatus.Outage outage = s.outage();
                        return outage == null ? 0 : outage.pendingRecords();
                    })
                    .description("Records the waiting sink holds, not yet stored (0 while it stores normally)")
                    .tag("sink", sink.sink())
                    .register(meters);
        }
    }
}
