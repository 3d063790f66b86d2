package io.catalog.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.L1Cache;
import io.catalog.cache.L2Cache;
import io.catalog.config.CatalogConfig;
import io.catalog.events.BeforePublish;
import io.catalog.events.EventCounters;
import io.catalog.model.ProductUpdated;
import io.catalog.service.SharedCacheUpdater;
import io.catalog.store.Tables;
import io.catalog.summary.SummaryMaintainer;
import io.catalog.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The one place that knows the design chooses, part by part, production's class for the full design and the lab's
 * for a baseline; the lab's parts do without what their baseline turns off (no Redis reached without L2, L1 trusted
 * by its TTL without a feed, no summaries maintained without invalidation). The parts that need Redis to be built
 * (the feed, the acknowledgements) and the page reads are checked by StalenessLabIT, whose baselines' pods run them.
 */
class DesignWiringTest {

    private static final CacheDesign TTL_ONLY_L1 = new CacheDesign(true, false, true, true);
    private static final CacheDesign SEED = new CacheDesign(false, true, true, false);
    private static final CacheDesign STORE_ONLY = new CacheDesign(false, true, false, true);

    private final DesignWiring wiring = new DesignWiring();
    private final CatalogConfig config = TestConfig.catalog(Map.of());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Ticker ticker = () -> 1_000_000_000L;
    private final ProductUpdated priceChange = ProductUpdated.of("p1", "tea", 2, 42, BigDecimal.ONE, BigDecimal.TEN,
            false, Instant.parse("2026-12-06T12:00:00Z"), "tea");

    @Test
    void theFullDesignGetsProductionsOwnParts() {
        SharedCacheUpdater updater = new SharedCacheUpdater(null, null, config);

        assertThat(wiring.l2(CacheDesign.FULL, null, config)).isExactlyInstanceOf(L2Cache.class);
        assertThat(wiring.eventCounters(CacheDesign.FULL)).isSameAs(EventCounters.MEMBERSHIP);
        assertThat(wiring.eventCounters(CacheDesign.FULL).of(priceChange)).as("a price change raises no counter")
                .isEmpty();
        assertThat(wiring.summaries(CacheDesign.FULL, null, null, null, registry))
                .isExactlyInstanceOf(SummaryMaintainer.class);
        assertThat(wiring.beforePublish(CacheDesign.FULL, config, updater)).isSameAs(updater);
    }

    @Test
    void withoutL2NoReadOrWriteReachesRedis() {
        L2Cache l2 = wiring.l2(STORE_ONLY, null, config);

        // a null Redis: any command sent would fail
        assertThat(l2.enabled()).isFalse();
        assertThat(l2.get("p:a").await().indefinitely()).isNull();
        assertThat(l2.peek("p:a").await().indefinitely()).isNull();
        l2.invalidate("p:a", 3, Duration.ofMinutes(1)).await().indefinitely();
        l2.evict("p:a").await().indefinitely();
    }

    @Test
    void aTtlOnlyL1IsTrustedWithoutAFeedWhereTheFullDesignWaitsForOne() {
        CacheCoherence full = coherence(CacheDesign.FULL);
        CacheCoherence ttlOnly = coherence(TTL_ONLY_L1);
        CacheCoherence none = coherence(SEED);

        assertThat(full).isExactlyInstanceOf(CacheCoherence.class);
        assertThat(full.l1Trusted()).as("the full design, before its feed's first round").isFalse();
        assertThat(ttlOnly.l1Trusted()).isTrue();
        assertThat(ttlOnly.eventualReadsSafe()).isTrue();
        assertThat(none.l1Trusted()).as("no L1").isFalse();
        assertThat(none.eventualReadsSafe()).isTrue();
    }

    private CacheCoherence coherence(CacheDesign design) {
        return DesignWiring.coherence(design, config, L1Cache.standalone(config, ticker), ticker);
    }

    @Test
    void theBaselinesRaiseTheirGenerationsAndMaintainNoSummaries() {
        assertThat(wiring.eventCounters(TTL_ONLY_L1).of(priceChange))
                .containsExactly(Tables.categoryGeneration("tea"), Tables.catalogGeneration());
        SummaryMaintainer none = wiring.summaries(SEED, null, null, null, registry);

        // no Redis summaries, no sequences: maintaining anything would fail
        assertThat(none).isInstanceOf(UnmaintainedSummaries.class);
        assertThat(none.maintain(List.of(priceChange, priceChange)).await().indefinitely())
                .isEqualTo(Arrays.asList(null, null));
    }

    @Test
    void withoutInvalidationNothingRunsBeforeAPublishUnlessWrittenThrough() {
        SharedCacheUpdater updater = new SharedCacheUpdater(null, null, config);
        BeforePublish seed = wiring.beforePublish(SEED, config, updater);

        assertThat(seed).isNotSameAs(updater);
        seed.run(List.of(), List.of()).await().indefinitely();
        CatalogConfig writeThrough = TestConfig.catalog(Map.of("catalog.cache.write-mode", "write-through"));
        assertThat(wiring.beforePublish(SEED, writeThrough, updater)).isSameAs(updater);
    }
}
