package io.catalog.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.catalog.model.Keys;
import io.catalog.model.ProductUpdated;

/**
 * A membership change heard after a newer one of the same listing (two writers created products in one category; the
 * one with the higher sequence was published first). A list this pod computed in between lacks the late product but
 * carries a label no lower than the listing's floor, which the late event does not raise: without more, it would be
 * served until its TTL. Found by the fault run (a category page on a pod left out a product created 2 s earlier).
 */
class LateMembershipTest {

    private static final String TOKEN = Keys.members("delta");
    private static final String LIST = "ids:delta";

    private final FakeTicker ticker = new FakeTicker();
    private CacheCoherence coherence;

    @BeforeEach
    void setUp() {
        coherence = new CacheCoherence(TieredCacheTest.TTL, 1000, TieredCacheTest.STALE_AFTER, ticker);
        coherence.heartbeat();
    }

    private static ProductUpdated created(String id, long sequence) {
        return ProductUpdated.of(id, "delta", 1, sequence, new BigDecimal("1.00"), null, false, Instant.now(), null);
    }

    /** A list of the listing as this pod computes it now: labelled with what its floor says it includes. */
    private CachedValue listNow() {
        return CachedValue.found("{\"ids\":[\"n-2\"]}", coherence.floors().of(TOKEN), TOKEN, List.of());
    }

    private boolean served() {
        CachedValue held = coherence.l1().get(LIST);
        return held != null && coherence.floors().admits(held);
    }

    @Test
    void aListHeldWhenALateMembershipChangeIsHeardIsNotServedAgain() {
        coherence.apply(created("n-2", 501));
        coherence.l1().put(LIST, listNow(), coherence.l1().epoch());
        assertThat(served()).as("the list computed after n-2 was heard").isTrue();
        long inFlight = coherence.l1().epoch();

        coherence.apply(created("n-1", 500));

        assertThat(served()).as("the list without n-1, once n-1's creation was heard").isFalse();
        coherence.l1().put(LIST, CachedValue.found("{\"ids\":[\"n-2\"]}", 501, TOKEN, List.of()), inFlight);
        assertThat(served()).as("a list computed before n-1 was heard, put afterwards").isFalse();
    }

    @Test
    void theSameChangeHeardTwiceDropsNothing() {
        coherence.apply(created("n-2", 501));
        coherence.l1().put(LIST, listNow(), coherence.l1().epoch());

        coherence.apply(created("n-2", 501)); // the writer's own apply, then the feed's

        assertThat(served()).isTrue();
    }

    @Test
    void aChangeHeardAgainAfterANewerOneDropsNothing() {
        coherence.applyOwn(created("n-1", 500), null, coherence.l1().epoch()); // this pod's own write
        coherence.apply(created("n-2", 501)); // another writer's newer change of the listing, from the feed
        coherence.l1().put(LIST, CachedValue.found("{\"ids\":[\"n-1\",\"n-2\"]}", coherence.floors().of(TOKEN),
                TOKEN, List.of()), coherence.l1().epoch());

        coherence.apply(created("n-1", 500)); // the feed brings the own write back: heard before, not late

        assertThat(served()).as("the list, computed with both changes heard").isTrue();
        assertThat(coherence.lateMemberships()).isZero();
    }

    @Test
    void aLatePriceChangeDropsNothing() {
        coherence.apply(created("n-2", 501));
        coherence.l1().put(LIST, listNow(), coherence.l1().epoch());

        // a price change, published after a newer change: it changes no listing's members
        coherence.apply(ProductUpdated.of("n-3", "delta", 4, 400, BigDecimal.ONE, BigDecimal.TEN, false,
                Instant.now(), null));

        assertThat(served()).isTrue();
        assertThat(coherence.lateMemberships()).isZero();
    }
}
