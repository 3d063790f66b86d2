package io.catalog.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class L1CacheTest {

    private final FakeTicker ticker = new FakeTicker();
    private final L1Cache l1 = new L1Cache(Duration.ofSeconds(30), 100, 1_000_000, ticker);

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
    void theBoundIsBytesNotOnlyEntries() {
        L1Cache small = new L1Cache(Duration.ofSeconds(30), 1000, 100_000, ticker);
        String big = "x".repeat(20_000);
        for (int i = 0; i < 50; i++) {
            small.put("page" + i, CachedValue.found(big, 1, "c:x", java.util.List.of("category-x")), small.epoch());
        }

        assertThat(small.weight()).isLessThanOrEqualTo(100_000);
        assertThat(small.size()).as("a 40 KB entry weighs 40 KB: two fit, not a thousand").isLessThanOrEqualTo(2);
        assertThat(L1Cache.weigh("page0", CachedValue.found(big, 1, "c:x", java.util.List.of())))
                .isGreaterThan(2 * big.length());
    }

    @Test
    void theEntryCountStillBoundsSmallEntries() {
        L1Cache small = new L1Cache(Duration.ofSeconds(30), 10, 1_000_000, ticker);
        for (int i = 0; i < 500; i++) {
            small.put("p:" + i, FloorsTest.value("p:" + i, 1), small.epoch());
        }

        assertThat(small.size()).isLessThanOrEqualTo(10);
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
