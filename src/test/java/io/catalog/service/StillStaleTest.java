package io.catalog.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.catalog.service.ConsistencyChecker.Comparison;
import io.catalog.service.ConsistencyChecker.Stale;

/**
 * Which differences the consistency checker's second comparison counts as stale: a product written often always
 * differs from a cache for a moment (its event is on its way), which is not staleness; a copy of the current version
 * with other bytes, or a copy older than what the store held one propagation window ago, is.
 */
class StillStaleTest {

    private static Stale copy(String tier, long version) {
        return new Stale(tier, Duration.ofSeconds(1), version);
    }

    @Test
    void aCopyBehindAWriteMadeSinceTheFirstComparisonIsNotStale() {
        // first comparison: store at 10; second: store at 12, L1 at 11 (the write of 12 is still propagating)
        assertThat(ConsistencyChecker.stillStale(new Comparison(List.of(copy("l1", 11)), 12), 10)).isEmpty();
    }

    @Test
    void aCopyOfTheCurrentVersionWithOtherBytesIsStale() {
        // a console edit or a corrupted entry: same version as the store, other bytes
        assertThat(ConsistencyChecker.stillStale(new Comparison(List.of(copy("l2", 10)), 10), 10))
                .extracting(Stale::tier).containsExactly("l2");
    }

    @Test
    void aCopyOlderThanTheStoreOneWindowAgoIsStale() {
        assertThat(ConsistencyChecker.stillStale(new Comparison(List.of(copy("l1", 9), copy("l2", 12)), 13), 10))
                .extracting(Stale::tier).containsExactly("l1");
    }
}
