package com.idp.push.pushlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The sink stores a batch in one statement, which does not see its own rows: the batch is cut to one row per
 * attempt first, as the statement per row used to leave it.
 */
class PushLogStoreTest {

    private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void theSameAttemptTwiceInABatchWithinADayKeepsTheFirst() {
        AttemptRow first = row("dlv_1:1", T);
        AttemptRow again = row("dlv_1:1", T); // the same record stored twice (a crash before the commit)
        AttemptRow successor = row("dlv_1:1", T.plus(Duration.ofMinutes(3))); // made again after a kill
        AttemptRow other = row("dlv_2:1", T);

        assertThat(PushLogStore.firstOfEachAttempt(List.of(first, other, again, successor))).containsExactly(first, other);
    }

    @Test
    void theSameAttemptIdMoreThanADayApartIsTwoRows() {
        AttemptRow first = row("dlv_1:1", T);
        AttemptRow muchLater = row("dlv_1:1", T.plus(Duration.ofDays(2)));

        assertThat(PushLogStore.firstOfEachAttempt(List.of(first, muchLater))).containsExactly(first, muchLater);
    }

    private static AttemptRow row(String attemptId, Instant createdAt) {
        return new AttemptRow(attemptId, "T1", "WH1", attemptId.substring(0, attemptId.indexOf(':')), 0, 200,
                "https://hooks.example/in", "{}", "{}", "{}", "ok", 3, true, "delivered", null, "intake", false, createdAt, null);
    }
}
