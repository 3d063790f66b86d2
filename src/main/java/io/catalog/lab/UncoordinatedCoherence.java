package io.catalog.lab;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.L1Cache;
import io.catalog.config.CatalogConfig;
import io.catalog.model.ProductUpdated;

/**
 * An L1 that does not follow the invalidation feed: the lab's "seed's fix" (a TTL-only L1 trusted whatever the feed
 * does, {@code catalog.l1.coordinated=false}) and the designs without L1 ({@code catalog.l1.enabled=false}, never
 * trusted). Without a feed nothing vouches for a replica's lag, so these designs read eventually consistent as the seed
 * did, and a pod's own writes reach its L1 only when the entry expires.
 */
public class UncoordinatedCoherence extends CacheCoherence {

    private final boolean l1;

    /** {@code l1}: whether L1 answers at all (until its TTL), or never. */
    public UncoordinatedCoherence(CatalogConfig config, L1Cache cache, Ticker ticker, boolean l1) {
        super(config, cache, ticker);
        this.l1 = l1;
    }

    /** Outside Quarkus (tests): an L1 of {@code maximumSize} entries, trusted until its TTL or ({@code !l1}) never. */
    public UncoordinatedCoherence(Duration ttl, long maximumSize, Ticker ticker, boolean l1) {
        super(ttl, maximumSize, Duration.ofDays(1), ticker);
        this.l1 = l1;
    }

    @Override
    public boolean l1Trusted() {
        return l1;
    }

    /** No feed vouches for anything here: L2 and Redis' summaries are read as the seed read them. */
    @Override
    public boolean feedTrusted() {
        return true;
    }

    @Override
    public boolean eventualReadsSafe() {
        return true;
    }

    @Override
    public void applyOwn(ProductUpdated event, CachedValue document, long epochBefore) {
        // a TTL-only L1 ignores events, the pod's own included
    }
}
