package com.idp.push.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;

import com.idp.push.ssrf.Cidr;

/**
 * Every setting of idp-push, bound from {@code idp.push.*} (the SPEC's environment variables are mapped
 * onto these names in {@code application.yml}). Invalid values fail start-up with a message naming the
 * variable to change.
 */
@ConfigurationProperties("idp.push")
public record PushProperties(
        @DefaultValue Topics topics,
        @DefaultValue Retry retry,
        @DefaultValue Http http,
        @DefaultValue Engine engine,
        @DefaultValue Endpoints endpoints,
        @DefaultValue Webhooks webhooks,
        @DefaultValue Templates templates,
        @DefaultValue Security security) {

    /** Topic names and how missing topics are created at start-up. */
    public record Topics(
            @DefaultValue("idp.task.completed") String input,
            @DefaultValue("idp.push.invalid") String invalid,
            @DefaultValue("idp.push.replay") String replay,
            @DefaultValue("idp.push.dlq") String dlq,
            @DefaultValue("idp.push.attempts") String attempts,
            /** Delay topics are named {@code <retryPrefix><seconds>s}, e.g. idp.push.retry-10s. */
            @DefaultValue("idp.push.retry-") String retryPrefix,
            /** Partitions of the input topic when idp-push creates it; delay topics copy the input's count. */
            @DefaultValue("6") int partitions,
            /** -1 = the broker's default.replication.factor. */
            @DefaultValue("-1") short replicationFactor,
            /** max.message.bytes of the topics idp-push writes: a retry record carries the whole event. */
            @DefaultValue("8388608") int maxMessageBytes,
            @DefaultValue("true") boolean create) {

        public Topics {
            requireText(input, "idp.push.topics.input");
            if (partitions < 1) {
                throw new IllegalArgumentException("idp.push.topics.partitions must be >= 1, was " + partitions);
            }
        }
    }

    /** PUSH_RETRY_MAX, PUSH_RETRY_DELAYS and the cap on a receiver's Retry-After. */
    public record Retry(
            @DefaultValue("3") int max,
            @DurationUnit(ChronoUnit.SECONDS) @DefaultValue({"10", "30", "90"}) List<Duration> delays,
            @DurationUnit(ChronoUnit.SECONDS) @DefaultValue("300") Duration retryAfterMax) {

        public Retry {
            if (max < 0) {
                throw new IllegalArgumentException("PUSH_RETRY_MAX must be >= 0, was " + max);
            }
            if (delays == null || delays.isEmpty()) {
                throw new IllegalArgumentException("PUSH_RETRY_DELAYS must list at least one delay in seconds, e.g. 10,30,90");
            }
            for (Duration d : delays) {
                if (d.isNegative() || d.isZero() || d.toMillis() % 1000 != 0) {
                    throw new IllegalArgumentException(
                            "PUSH_RETRY_DELAYS must be whole seconds > 0 (they name the delay topics), was " + delays);
                }
            }
            delays = List.copyOf(delays);
        }
    }

    /** The outbound HTTP client. */
    public record Http(
            /** PUSH_TIMEOUT: total deadline of one attempt unless the webhook sets timeout_ms. */
            @DurationUnit(ChronoUnit.SECONDS) @DefaultValue("30") Duration timeout,
            @DurationUnit(ChronoUnit.SECONDS) @DefaultValue("10") Duration connectTimeout,
            @DefaultValue("2000") int maxConnections,
            @DefaultValue("65536") int maxResponseBodyBytes,
            /** Request bodies are kept in the attempt log and push_logs up to this size, like response bodies. */
            @DefaultValue("65536") int maxLoggedRequestBodyBytes,
            @DefaultValue("Enterprise IDP Platform/1.0.0") String userAgent) {

        public Http {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("PUSH_TIMEOUT must be > 0 seconds, was " + timeout);
            }
            if (maxConnections < 1 || maxResponseBodyBytes < 0 || maxLoggedRequestBodyBytes < 0) {
                throw new IllegalArgumentException("idp.push.http.max-connections must be >= 1, max-response-body-bytes"
                        + " and max-logged-request-body-bytes >= 0");
            }
        }
    }

    /** The consumer side of the delivery engine. */
    public record Engine(
            @DefaultValue("idp-push") String groupId,
            /** Consumer threads (each a KafkaConsumer in the group); more than the partition count idle. */
            @DefaultValue("1") int consumers,
            /**
             * Deliveries running per partition (a record counts once per webhook it fans out to) before the
             * partition is paused (backpressure).
             */
            @DefaultValue("512") int maxInFlightPerPartition,
            /**
             * Records dispatched but not yet committed, per partition (running, or completed behind a slower one)
             * before the partition is paused: what a crash would deliver again.
             */
            @DefaultValue("10000") int maxUncommittedPerPartition,
            /** Bytes of records whose deliveries are running, per partition, before it is paused (bounds heap). */
            @DefaultValue("16MB") DataSize maxInFlightBytesPerPartition,
            @DurationUnit(ChronoUnit.MILLIS) @DefaultValue("500") Duration pollTimeout,
            /** How long a rebalance waits for in-flight records of revoked partitions before giving them up. */
            @DurationUnit(ChronoUnit.MILLIS) @DefaultValue("5000") Duration revokeGrace,
            @DefaultValue("true") boolean autoStartup,
            /** How often the broker is probed (a cluster description) for the {@code pipeline} health component. */
            @DurationUnit(ChronoUnit.MILLIS) @DefaultValue("2000") Duration brokerProbeInterval,
            /** How long the broker may be unreachable before the {@code pipeline} health component turns DOWN. */
            @DurationUnit(ChronoUnit.MILLIS) @DefaultValue("10000") Duration brokerUnreachableAfter,
            /**
             * Bytes of outcome records (attempt log, retries, dead letters, invalid copies) waiting for the broker,
             * queued or unacknowledged, in the whole instance, before the consumer loops stop taking new records.
             * Half the producer's default buffer.memory (32 MB): the producer's batches, 128 KB per partition
             * being filled, need room beside the records, and the buffer should not fill before the intake stops.
             */
            @DefaultValue("16MB") DataSize maxPendingOutcomeBytes,
            /**
             * Heap the delivery work of the whole instance may hold (records being worked on, counted twice for
             * their parsed events, and every rendered request body until its exchange ends) before the consumer
             * loops stop taking new records. Unset: a quarter of the maximum heap.
             */
            DataSize maxWorkMemory) {

        public Engine {
            requireText(groupId, "idp.push.engine.group-id");
            if (consumers < 1 || maxInFlightPerPartition < 1) {
                throw new IllegalArgumentException("idp.push.engine.consumers and max-in-flight-per-partition must be >= 1");
            }
            if (maxWorkMemory != null && maxWorkMemory.toBytes() < 1) {
                throw new IllegalArgumentException("idp.push.engine.max-work-memory must be > 0, was " + maxWorkMemory);
            }
            if (maxPendingOutcomeBytes.toBytes() < 1) {
                throw new IllegalArgumentException("idp.push.engine.max-pending-outcome-bytes must be > 0, was "
                        + maxPendingOutcomeBytes);
            }
            if (maxUncommittedPerPartition < maxInFlightPerPartition) {
                throw new IllegalArgumentException("idp.push.engine.max-uncommitted-per-partition must be >= max-in-flight-per-partition, was "
                        + maxUncommittedPerPartition);
            }
        }
    }

    /**
     * Per-webhook isolation: a bulkhead and a circuit breaker, so one slow or dead endpoint cannot hold the
     * engine's in-flight slots and back up deliveries to every other endpoint.
     */
    public record Endpoints(
            /** Attempts in flight to one webhook; more wait for a free slot, then in the first delay topic. */
            @DefaultValue("1000") int maxConcurrent,
            /**
             * How long an attempt waits in memory for a free slot of a full bulkhead before it is parked in the
             * first delay topic instead; as many may wait as the bulkhead has slots. 0 parks at once.
             */
            @DurationUnit(ChronoUnit.MILLIS) @DefaultValue("1000") Duration slotWait,
            /** Attempts the breaker judges over (count-based sliding window). */
            @DefaultValue("50") int breakerWindow,
            /** Attempts before the breaker may open. */
            @DefaultValue("20") int breakerMinimumCalls,
            /** Attempts without an answer (timeout, connection; a 5xx is an answer), in % of the window, that open it. */
            @DefaultValue("50") float breakerFailureRate,
            /** How long an open breaker refuses attempts before letting a few trial attempts through. */
            @DurationUnit(ChronoUnit.SECONDS) @DefaultValue("30") Duration breakerOpenFor,
            @DefaultValue("5") int breakerHalfOpenCalls,
            /**
             * An attempt still unanswered this long counts against its endpoint's breaker then, as a slow call,
             * instead of at its deadline (30 s, or a webhook's timeout_ms up to 600 s): the breaker of an endpoint
             * that stopped answering opens within this time. A third of the default deadline, far above what a
             * healthy receiver takes; an endpoint slower than this for most attempts has its breaker opened, so
             * raise it for such receivers. 0 judges attempts only when they end.
             */
            @DurationUnit(ChronoUnit.SECONDS) @DefaultValue("10") Duration slowCallAfter) {

        public Endpoints {
            if (maxConcurrent < 1 || breakerWindow < 1 || breakerMinimumCalls < 1 || breakerHalfOpenCalls < 1) {
                throw new IllegalArgumentException("idp.push.endpoints.* counts must be >= 1");
            }
            if (slotWait.isNegative()) {
                throw new IllegalArgumentException("idp.push.endpoints.slot-wait must not be negative, was " + slotWait);
            }
            if (slowCallAfter.isNegative()) {
                throw new IllegalArgumentException("idp.push.endpoints.slow-call-after must not be negative, was " + slowCallAfter);
            }
            if (breakerFailureRate <= 0 || breakerFailureRate > 100) {
                throw new IllegalArgumentException("idp.push.endpoints.breaker-failure-rate must be in (0, 100], was "
                        + breakerFailureRate);
            }
        }
    }

    /** The webhook registry cache. */
    public record Webhooks(
            /** How often the registry checks Postgres for changed webhooks. */
            @DurationUnit(ChronoUnit.MILLIS) @DefaultValue("1000") Duration refreshInterval) {
    }

    /**
     * Bounds of every body-template render; going over one dead-letters the delivery (a template error).
     *
     * @param maxBodyBytes bytes a rendered body may have; the render stops as soon as it passes them
     * @param maxSectionIterations section iterations (one per array element) one render may run, over all sections
     */
    public record Templates(
            @DefaultValue("1MB") DataSize maxBodyBytes,
            @DefaultValue("10000") int maxSectionIterations) {

        public Templates {
            // The upper bound keeps a body an int-sized array; far more than any receiver should be sent.
            if (maxBodyBytes.toBytes() < 1024 || maxBodyBytes.toBytes() > DataSize.ofMegabytes(256).toBytes()) {
                throw new IllegalArgumentException("idp.push.templates.max-body-bytes must be between 1KB and 256MB, was "
                        + maxBodyBytes);
            }
            if (maxSectionIterations < 1) {
                throw new IllegalArgumentException("idp.push.templates.max-section-iterations must be >= 1, was "
                        + maxSectionIterations);
            }
        }
    }

    /**
     * The SSRF guard on outbound deliveries (docs/ssrf.md).
     *
     * @param allowPrivateNetworks IDP_PUSH_ALLOW_PRIVATE_NETWORKS: true switches the guard off
     * @param allowedCidrs IDP_PUSH_ALLOWED_CIDRS: ranges reachable although blocked, e.g. 10.20.0.0/16
     * @param dnsLookupThreads threads doing (blocking) system DNS lookups for deliveries
     */
    public record Security(
            @DefaultValue("false") boolean allowPrivateNetworks,
            @DefaultValue List<String> allowedCidrs,
            @DefaultValue("4") int dnsLookupThreads) {

        public Security {
            allowedCidrs = allowedCidrs.stream().map(String::trim).filter(c -> !c.isEmpty()).toList();
            for (String cidr : allowedCidrs) {
                try {
                    Cidr.parse(cidr);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("IDP_PUSH_ALLOWED_CIDRS (idp.push.security.allowed-cidrs): "
                            + e.getMessage() + "; expected e.g. 10.20.0.0/16,fd00:1::/64"); // the message says it all
                }
            }
            if (dnsLookupThreads < 1) {
                throw new IllegalArgumentException("idp.push.security.dns-lookup-threads must be >= 1, was " + dnsLookupThreads);
            }
        }

        /** The allowed ranges, parsed (they were validated at binding). */
        public List<Cidr> allowedRanges() {
            return allowedCidrs.stream().map(Cidr::parse).toList();
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
