package io.catalog.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class FloorsTest {

    private final FakeTicker ticker = new FakeTicker();
    private final Floors floors = new Floors(Duration.ofMinutes(10), ticker);

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

    static CachedValue value(String token, long version) {
        return CachedValue.found("{\"v\":" + version + "}", version, token, List.of());
    }
}
