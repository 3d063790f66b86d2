package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.catalog.lab.GenerationCounters;
import io.catalog.model.Keys;
import io.catalog.model.ProductUpdated;
import io.catalog.store.Tables;

/**
 * Which counters the relay raises per event ({@link EventCounters}): in the full design only the membership
 * generations of the listings a change joins or leaves, so a price change writes no item besides its own; the lab's
 * baselines, whose pages and summaries are versioned by generations, raise the category's and the catalog's too.
 */
class RelayCountersTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    private static ProductUpdated change(long version, String category, String previousCategory, boolean deleted) {
        return ProductUpdated.of("p1", category, version, 40 + version, BigDecimal.TEN, BigDecimal.ONE, deleted, NOW,
                previousCategory);
    }

    @Test
    void aPriceChangeRaisesNoCounterInTheFullDesign() {
        assertThat(EventCounters.MEMBERSHIP.of(change(2, "tea", null, false))).isEmpty();
        assertThat(EventCounters.MEMBERSHIP.of(change(2, "tea", "tea", false))).isEmpty();
    }

    @Test
    void membershipChangesRaiseTheirListingsGenerations() {
        assertThat(EventCounters.MEMBERSHIP.of(change(1, "tea", null, false))).as("a creation")
                .containsExactly(Tables.membership("tea"), Tables.membership(Keys.EVERY_LISTING));
        assertThat(EventCounters.MEMBERSHIP.of(change(3, "tea", null, true))).as("a delete")
                .containsExactly(Tables.membership("tea"), Tables.membership(Keys.EVERY_LISTING));
        assertThat(EventCounters.MEMBERSHIP.of(change(3, "tea", "coffee", false))).as("a move")
                .containsExactly(Tables.membership("tea"), Tables.membership("coffee"));
    }

    @Test
    void theLabsBaselinesRaiseTheGenerationsTheirAggregatesAreVersionedBy() {
        assertThat(new GenerationCounters().of(change(2, "tea", null, false)))
                .containsExactly(Tables.categoryGeneration("tea"), Tables.catalogGeneration());
        assertThat(new GenerationCounters().of(change(3, "tea", "coffee", false))).containsExactly(
                Tables.membership("tea"), Tables.membership("coffee"), Tables.categoryGeneration("tea"),
                Tables.categoryGeneration("coffee"), Tables.catalogGeneration());
    }
}
