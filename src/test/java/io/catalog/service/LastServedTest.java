package io.catalog.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.Served;
import io.catalog.cache.Tier;
import io.catalog.model.Keys;
import io.catalog.model.ProductUpdated;
import io.catalog.store.StoreUnavailable;
import io.catalog.testing.TestConfig;
import io.smallrye.mutiny.Uni;

/**
 * {@link LastServed}: what a pod served stands in for a read the hung store does not answer, unless it was served as
 * no stand-in (a summary computed from the store, whose version may pass a join it does not include yet).
 */
class LastServedTest {

    private static final Duration PATIENCE = Duration.ofMillis(50);
    private static final Duration DEADLINE = Duration.ofMillis(300);
    private static final String KEY = "s:tea";

    private final CacheCoherence coherence = CacheCoherence.standalone(TestConfig.catalog(Map.of()),
            Ticker.systemTicker());
    private final LastServed lastServed = new LastServed(coherence, PATIENCE, DEADLINE);

    private static Served summary(long version, boolean standsIn) {
        CachedValue value = CachedValue.found("{\"category\":\"tea\"}", version, KEY, List.of("category-tea"));
        return new Served(value.uncacheable(), Tier.MISS, standsIn);
    }

    private Served read(Uni<Served> read) {
        return lastServed.guard(KEY, coherence.changesHeard(), read).await().atMost(Duration.ofSeconds(5));
    }

    private static Uni<Served> hung() {
        return Uni.createFrom().nothing();
    }

    @Test
    void whatWasServedStandsInForAHungStore() {
        coherence.heartbeat();
        read(Uni.createFrom().item(summary(7, true)));

        Served standIn = read(hung());

        assertThat(standIn.tier()).isEqualTo(Tier.L1);
        assertThat(standIn.value().version()).isEqualTo(7);
    }

    @Test
    void aValueServedBeforeAGapInTheFeedNeverStandsIn() {
        coherence.heartbeat();
        read(Uni.createFrom().item(summary(7, true)));

        // entries trimmed unread, or a new Redis incarnation: a change of the category may be among them, and its
        // floor was never raised
        coherence.feedLost();
        coherence.coverageLost();
        coherence.heartbeat();

        assertThatThrownBy(() -> read(hung())).isInstanceOf(StoreUnavailable.class);
        read(Uni.createFrom().item(summary(7, true)));
        assertThat(read(hung()).value().version()).as("served again after the gap").isEqualTo(7);
    }

    @Test
    void aListServedBeforeALateMembershipChangeNeverStandsIn() {
        String token = Keys.members("tea");
        coherence.heartbeat();
        coherence.apply(ProductUpdated.of("n-2", "tea", 1, 501, BigDecimal.ONE, null, false, Instant.now(), null));
        CachedValue list = CachedValue.found("{\"ids\":[\"n-2\"]}", 501, token, List.of());
        read(Uni.createFrom().item(new Served(list.uncacheable(), Tier.MISS, true)));
        assertThat(read(hung()).value().version()).as("before the late change").isEqualTo(501);

        // a creation with a lower sequence, published after: the list lacks it, and the floor (501) still admits it
        coherence.apply(ProductUpdated.of("n-1", "tea", 1, 500, BigDecimal.ONE, null, false, Instant.now(), null));

        assertThatThrownBy(() -> read(hung())).isInstanceOf(StoreUnavailable.class);
    }

    @Test
    void aValueLabelledPastAChangeHeardSinceNeverStandsIn() {
        coherence.heartbeat();
        read(Uni.createFrom().item(summary(505, true)));
        assertThat(read(hung()).value().version()).as("nothing heard yet").isEqualTo(505);

        // another writer's price change in the category, with a sequence from an older block: below the summary's
        // label, so its floor does not move, yet the summary read before it lacks it
        coherence.apply(ProductUpdated.of("n-3", "tea", 4, 503, BigDecimal.TEN, null, false, Instant.now(), null));

        assertThatThrownBy(() -> read(hung())).isInstanceOf(StoreUnavailable.class);
    }

    @Test
    void aSummaryComputedFromTheStoreNeverStandsIn() {
        coherence.heartbeat();
        read(Uni.createFrom().item(summary(7, true)));
        read(Uni.createFrom().item(summary(9, false)));

        assertThatThrownBy(() -> read(hung())).isInstanceOf(StoreUnavailable.class);
    }
}
