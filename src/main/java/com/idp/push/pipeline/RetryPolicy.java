package com.idp.push.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.idp.push.config.PushProperties;

/**
 * When and where a failed delivery is tried again (SPEC §4): {@code PUSH_RETRY_MAX} retries, the n-th
 * after {@code PUSH_RETRY_DELAYS[n]} (the last delay repeats when there are more retries than delays),
 * each in the delay topic named after its delay. A receiver's Retry-After can push the due time later,
 * up to a cap. Immutable.
 */
public final class RetryPolicy {

    private final int maxRetries;
    private final List<Duration> delays;
    private final Duration retryAfterCap;
    private final String prefix;
    private final Pattern topicPattern;

    public RetryPolicy(PushProperties.Retry retry, String retryTopicPrefix) {
        this.maxRetries = retry.max();
        this.delays = retry.delays();
        this.retryAfterCap = retry.retryAfterMax();
        this.prefix = retryTopicPrefix;
        this.topicPattern = Pattern.compile(Pattern.quote(retryTopicPrefix) + "(\\d+)s");
    }

    /** Whether a delivery that has made {@code retriesMade} retries may be retried once more. */
    public boolean canRetry(int retriesMade) {
        return retriesMade < maxRetries;
    }

    public int maxRetries() {
        return maxRetries;
    }

    /**
     * How long to wait before retry number {@code retriesMade + 1}: the configured delay, or the
     * receiver's Retry-After when that is later (capped).
     */
    public Duration delayBefore(int retriesMade, Duration retryAfter) {
        Duration delay = delays.get(Math.min(retriesMade, delays.size() - 1));
        if (retryAfter != null) {
            Duration asked = retryAfter.compareTo(retryAfterCap) > 0 ? retryAfterCap : retryAfter;
            if (asked.compareTo(delay) > 0) {
                delay = asked;
            }
        }
        return delay;
    }

    public Instant dueAt(Instant now, int retriesMade, Duration retryAfter) {
        return now.plus(delayBefore(retriesMade, retryAfter));
    }

    /**
     * When a record of the delay topic of {@code topicDelaySeconds} is due. Its {@code idp-due-at} header says
     * so, but anyone allowed to write to the topic writes that header, and a record that is not due holds back
     * every record behind it in its partition. So the header counts only up to the latest due time idp-push
     * itself could have written for this topic: the record's timestamp plus the topic's delay or the Retry-After
     * cap, whichever is longer (a capped Retry-After goes to the topic of the longest delay not above it, so it
     * can exceed that topic's delay). A header in the past is due now. Without a readable header: the timestamp
     * plus the topic's delay (a record produced by hand).
     * <p>
     * The record timestamp is the producer's clock too, so it cannot be trusted to bound itself: a timestamp
     * further ahead of {@code now} than that bound is not one idp-push wrote (clocks are not that far apart),
     * and the record is due at once instead of at a time of the producer's choosing.
     *
     * @param dueAtHeader the header's text (epoch milliseconds), or null when the record has none
     */
    DueTime dueTimeOf(long topicDelaySeconds, long recordTimestampMs, String dueAtHeader, Instant now) {
        Duration topicDelay = Duration.ofSeconds(topicDelaySeconds);
        Duration longest = topicDelay.compareTo(retryAfterCap) >= 0 ? topicDelay : retryAfterCap;
        Instant written = Instant.ofEpochMilli(recordTimestampMs);
        if (written.isAfter(now.plus(longest))) {
            return new DueTime(now, true);
        }
        Instant latest = written.plus(longest);
        Instant asked = parseEpochMillis(dueAtHeader);
        if (asked == null) {
            return new DueTime(written.plus(topicDelay), false);
        }
        return asked.isAfter(latest) ? new DueTime(latest, true) : new DueTime(asked, false);
    }

    private static Instant parseEpochMillis(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The delay topic for a wait: the one with the longest configured delay that is not longer than the
     * wait. Records in a delay topic are waited for in order; a record that waits longer than its topic's
     * delay (a Retry-After) is moved to the tail of the topic once that delay is over (RecordRouter), and
     * choosing the closest topic keeps such moves few.
     */
    public String topicFor(Duration wait) {
        Duration chosen = delays.stream().min(Duration::compareTo).orElseThrow();
        for (Duration delay : delays) {
            if (delay.compareTo(wait) <= 0 && delay.compareTo(chosen) > 0) {
                chosen = delay;
            }
        }
        return topicName(chosen);
    }

    /** The delay topics of the configured delays, in configured order. */
    public List<String> topics() {
        return delays.stream().map(this::topicName).distinct().toList();
    }

    /** Matches every delay topic, including those of delays no longer configured, which are still drained. */
    public Pattern topicPattern() {
        return topicPattern;
    }

    /** The delay a delay topic is named after, e.g. 30 s for idp.push.retry-30s; empty for other topics. */
    public OptionalLong delaySecondsOf(String topic) {
        Matcher matcher = topicPattern.matcher(topic);
        return matcher.matches() ? OptionalLong.of(Long.parseLong(matcher.group(1))) : OptionalLong.empty();
    }

    private String topicName(Duration delay) {
        return prefix + delay.toSeconds() + "s";
    }
}
