package io.catalog.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class FloorsTest {

    private final FakeTicker ticker = new FakeTicker();
    private final Floors floors = new Floors(Duration.ofMinutes(10), 1000, ticker);

    @Test
    void aValueBelowItsTokensFloorIsNotAdmitted() {
        floors.raise("p:a", 7);

        assertThat(floors.admits(value("p:a", 6))).isFalse();
        assertThat(floors.admits(value("p:a", 7))).isTrue();
        assertThat(floors.admits(value("p:b", 1))).isTrue();
    }

    @Test
    void floorsNeverGoDown() {
        floors.raise("c:x", 9);
        floors.raise("c:x", 4);

        assertThat(floors.of("c:x")).isEqualTo(9);
    }

    @Test
    void floorsAreForgottenOnlyAfterTheirRetention() {
        floors.raise("p:a", 3);
        ticker.advance(Duration.ofMinutes(9));
        assertThat(floors.of("p:a")).isEqualTo(3);

        ticker.advance(Duration.ofMinutes(2));
        assertThat(floors.of("p:a")).isZero();
    }

    @Test
    void aFloorEvictedForSizeRaisesTheLowWaterMarkThatTokensWithoutAFloorGet() {
        Floors small = new Floors(Duration.ofMinutes(10), 2, ticker);
        small.raise("p:a", 7);
        for (int i = 0; i < 1000 && small.holds("p:a"); i++) {
            small.raise("p:x" + i, 0);
            small.of("p:x" + i);
        }
        assertThat(small.holds("p:a")).as("p:a evicted by the flood").isFalse();
        assertThat(small.size()).isLessThanOrEqualTo(2);

        assertThat(small.lowWater()).isEqualTo(7);
        assertThat(small.admits(value("p:a", 6))).isFalse();
        assertThat(small.admits(value("p:never-seen", 6))).isFalse();
        assertThat(small.admits(value("p:a", 7))).isTrue();
    }

    @Test
    void aRaiseOfATokenWithoutAFloorStartsAtTheLowWaterMark() {
        floors.evicted(9);

        floors.raise("p:c", 2);

        assertThat(floors.of("p:c")).as("an event older than an evicted floor (which may have been p:c's)")
                .isEqualTo(9);
    }

    @Test
    void aConfirmedReadOfATokenWithoutAFloorIsItsFloorEvenBelowTheLowWaterMark() {
        floors.evicted(9);
        long mark = floors.lowWater();

        floors.confirm("p:d", 3, mark);

        assertThat(floors.of("p:d")).isEqualTo(3);
        assertThat(floors.admits(value("p:d", 3))).isTrue();
        assertThat(floors.admits(value("p:d", 2))).isFalse();
    }

    @Test
    void aConfirmWhileAFloorWasEvictedKeepsTheLowWaterMark() {
        long mark = floors.lowWater();
        floors.evicted(9);

        floors.confirm("p:a", 3, mark);

        assertThat(floors.of("p:a")).isEqualTo(9);
    }

    @Test
    void aConfirmNeverLowersAFloor() {
        floors.raise("p:a", 8);

        floors.confirm("p:a", 3, floors.lowWater());

        assertThat(floors.of("p:a")).isEqualTo(8);
    }

    static CachedValue value(String token, long version) {
        return CachedValue.found("{\"v\":" + version + "}", version, token, List.of());
    }
}
