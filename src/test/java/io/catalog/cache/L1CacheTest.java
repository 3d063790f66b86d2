package io.catalog.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class L1CacheTest {

    private final FakeTicker ticker = new FakeTicker();
    private final L1Cache l1 = new L1Cache(Duration.ofSeconds(30), 100, ticker);

    @Test
    void aPutFromBeforeAFlushIsDropped() {
        long epoch = l1.epoch();
        l1.flush();

        l1.put("k", FloorsTest.value("p:k", 1), epoch);

        assertThat(l1.get("k")).isNull();
    }

    @Test
    void uncacheableValuesAreNotKept() {
        l1.put("k", FloorsTest.value("p:k", 1).uncacheable(), l1.epoch());

        assertThat(l1.get("k")).isNull();
    }

    @Test
    void entriesLiveForTheTtl() {
        l1.put("k", FloorsTest.value("p:k", 1), l1.epoch());
        ticker.advance(Duration.ofSeconds(29));
        assertThat(l1.get("k")).isNotNull();

        ticker.advance(Duration.ofSeconds(2));
        assertThat(l1.get("k")).isNull();
    }
}
