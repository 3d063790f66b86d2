package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** When the outbox relay sweeps, on virtual time (nanoseconds of a ticker). */
class SweepPaceTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final long NONE_LEFT = -1;
    private final SweepPace pace = new SweepPace(Duration.ofSeconds(10));

    @Test
    void sweepsAtOnceAfterStartAndOnEveryTickWhileSweepsPublishEvents() {
        assertThat(pace.start(5 * SECOND)).as("the pod just started").isTrue();
        pace.finished(true, NONE_LEFT, 5 * SECOND);
        assertThat(pace.start(6 * SECOND)).as("the last sweep published events, or took a full batch").isTrue();
        pace.finished(false, NONE_LEFT, 6 * SECOND);
        assertThat(pace.start(7 * SECOND)).as("nothing found: idle").isFalse();
    }

    /**
     * Events too recent to take from their writers are the sweep's only once they are due (their writer's grace has
     * passed): a catalog written all the time always has some, and must not make every pod sweep on every tick.
     */
    @Test
    void eventsLeftToTheirWritersAreLookedAtAgainWhenTheyAreDue() {
        assertThat(pace.start(0)).isTrue();
        pace.finished(false, 3 * SECOND + 1, SECOND / 2); // due at 3.5 s
        for (long tick = 1; tick <= 3; tick++) {
            assertThat(pace.start(tick * SECOND)).as("tick %d s: not due yet", tick).isFalse();
        }
        assertThat(pace.start(4 * SECOND)).as("due").isTrue();
        pace.finished(false, NONE_LEFT, 4 * SECOND);
        assertThat(pace.start(5 * SECOND)).as("nothing left: idle").isFalse();
        assertThat(pace.start(13 * SECOND)).isFalse();
        assertThat(pace.start(14 * SECOND)).isTrue();
        pace.finished(true, 5 * SECOND, 14 * SECOND);
        assertThat(pace.start(15 * SECOND)).as("published some: more may be left beyond the batch").isTrue();
        pace.finished(false, 0, 15 * SECOND);
        assertThat(pace.start(16 * SECOND)).as("left events that are due already").isTrue();
    }

    /** A ticker's nanoseconds may be negative (System.nanoTime has an arbitrary origin): no sign trick may decide. */
    @Test
    void aNegativeTickerTimeIsTimeLikeAnyOther() {
        long start = -100 * SECOND;
        assertThat(pace.start(start)).isTrue();
        pace.finished(false, NONE_LEFT, start);
        assertThat(pace.start(start + SECOND)).as("nothing left, nothing found: idle").isFalse();
        assertThat(pace.start(start + 10 * SECOND)).isTrue();
        pace.finished(false, 2 * SECOND, start + 10 * SECOND);
        assertThat(pace.start(start + 11 * SECOND)).isFalse();
        assertThat(pace.start(start + 12 * SECOND)).isTrue();
    }

    @Test
    void whenIdleSweepsOncePerIdleInterval() {
        assertThat(pace.start(0)).isTrue();
        pace.finished(false, NONE_LEFT, 0);
        for (long tick = 1; tick < 10; tick++) {
            assertThat(pace.start(tick * SECOND)).as("tick %d s", tick).isFalse();
        }
        assertThat(pace.start(10 * SECOND)).isTrue();
        pace.finished(false, NONE_LEFT, 0);
        assertThat(pace.start(11 * SECOND)).isFalse();
    }

    @Test
    void neverTwoSweepsAtOnce() {
        assertThat(pace.start(0)).isTrue();
        assertThat(pace.start(SECOND)).as("the first sweep still runs").isFalse();
        assertThat(pace.start(60 * SECOND)).as("however long it takes").isFalse();
        pace.failed();
        assertThat(pace.start(61 * SECOND)).as("a failed sweep is retried on the next tick").isTrue();
    }

    @Test
    void aFailedPublishMakesTheNextTickSweepEvenIfTheRunningSweepFoundNothing() {
        assertThat(pace.start(0)).isTrue();
        pace.finished(false, NONE_LEFT, 0);
        pace.raise();
        assertThat(pace.start(SECOND)).as("a publish failed while idle").isTrue();
        pace.raise(); // a writer's publish fails while this sweep runs, after it looked at the index
        pace.finished(false, NONE_LEFT, 0);
        assertThat(pace.start(2 * SECOND)).isTrue();
        pace.finished(false, NONE_LEFT, 0);
        assertThat(pace.start(3 * SECOND)).isFalse();
    }
}
