package io.catalog.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/**
 * {@link Futures#delay}: a pause under a millisecond (full jitter draws zero now and then) is none at all, never a
 * timer: the application's scheduler (Vert.x timers) refuses delays under 1 ms, which once turned a checkout backoff
 * into a 500.
 */
class FuturesTest {

    @Test
    void aPauseUnderAMillisecondIsNoneAtAll() {
        for (Duration pause : new Duration[] { Duration.ZERO, Duration.ofNanos(300_000) }) {
            AtomicBoolean done = new AtomicBoolean();
            Futures.delay(pause).subscribe().with(item -> done.set(true));
            assertThat(done).as("completed at once, without a timer: %s", pause).isTrue();
        }
    }

    @Test
    void aLongerPauseIsATimer() {
        AtomicBoolean done = new AtomicBoolean();
        Futures.delay(Duration.ofMillis(200)).subscribe().with(item -> done.set(true));
        assertThat(done).as("not yet").isFalse();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilTrue(done);
    }
}
