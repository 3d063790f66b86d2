package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** When the outbox relay sweeps, on virtual time (nanoseconds of a ticker). */
class SweepPaceTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private final SweepPace pace = new SweepPace(Duration.ofSeconds(10), Duration.ofSeconds(5));

    @Test
    void sweepsAtOnceAfterStartAndOnEveryTickWhileSweepsPublishEvents() {
        assertThat(pace.start(5 * SECOND)).as("the pod just started").isTrue();
        pace.finished(3, 0);
        assertThat(pace.start(6 * SECOND)).as("the last sweep published events").isTrue();
        pace.finished(0, 0);
        assertThat(pace.start(7 * SECOND)).as("nothing found: idle").isFalse();
    }

    /**
     * Events too recent to take from their writers are the sweep's only once the grace has passed: a catalog written
     * all the time always has some, and must not make every pod sweep on every tick.
     */
    @Test
    void eventsLeftToTheirWritersAreLookedAtAgainAfterTheGrace() {
        assertThat(pace.start(0)).isTrue();
        pace.finished(0, 4);
        for (long tick = 1; tick < 5; tick++) {
            assertThat(pace.start(tick * SECOND)).as("tick %d s: within the grace", tick).isFalse();
        }
        assertThat(pace.start(5 * SECOND)).as("the grace has passed").isTrue();
        pace.finished(0, 0);
        assertThat(pace.start(6 * SECOND)).as("nothing left: idle").isFalse();
        assertThat(pace.start(14 * SECOND)).isFalse();
        assertThat(pace.start(15 * SECOND)).isTrue();
        pace.finished(2, 4);
        assertThat(pace.start(16 * SECOND)).as("published some: more may be left beyond the batch").isTrue();
    }

    @Test
    void whenIdleSweepsOncePerIdleInterval() {
        assertThat(pace.start(0)).isTrue();
        pace.finished(0, 0);
        for (long tick = 1; tick < 10; tick++) {
            assertThat(pace.start(tick * SECOND)).as("tick %d s", tick).isFalse();
        }
        assertThat(pace.start(10 * SECOND)).isTrue();
        pace.finished(0, 0);
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
        pace.finished(0, 0);
        pace.raise();
        assertThat(pace.start(SECOND)).as("a publish failed while idle").isTrue();
        pace.raise(); // a writer's publish fails while this sweep runs, after it looked at the index
        pace.finished(0, 0);
        assertThat(pace.start(2 * SECOND)).isTrue();
        pace.finished(0, 0);
        assertThat(pace.start(3 * SECOND)).isFalse();
    }
}
