package io.catalog.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The settle time is measured on this pod's monotonic clock from when it first saw a generation. */
class IndexSettleTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final IndexSettle settle = new IndexSettle(Duration.ofSeconds(1), nanos::get);

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Test
    void aGenerationSettlesOnlyOnceTheSettleTimeHasPassedSinceThisPodFirstSawIt() {
        assertThat(settle.settled("category#a", 7)).isFalse();
        advance(Duration.ofMillis(999));
        assertThat(settle.settled("category#a", 7)).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(settle.settled("category#a", 7)).isTrue();
    }

    @Test
    void aNewerGenerationStartsItsOwnSettleTime() {
        settle.settled("category#a", 7);
        advance(Duration.ofSeconds(5));
        assertThat(settle.settled("category#a", 7)).isTrue();
        assertThat(settle.settled("category#a", 8)).isFalse();
        assertThat(settle.settled("category#b", 7)).isFalse();
    }

    @Test
    void generationZeroHasNothingToLagBehind() {
        assertThat(settle.settled("category#new", 0)).isTrue();
    }
}
