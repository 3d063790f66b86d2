package io.catalog.service;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.config.CatalogConfig;

/**
 * Whether an aggregate computed at a generation may be cached: DynamoDB's index is eventually consistent, so one
 * computed right after its category changed may not include the change yet. "Right after" is measured on this
 * pod's own monotonic clock from when it first saw the generation, never by comparing its wall clock with the
 * writer's: the pod first sees a generation no earlier than the write that made it, so once
 * {@code catalog.cache.index-settle} has passed here, it has passed since the write too, whatever the two pods'
 * clocks say. Bounded: generations not asked about for a while are forgotten (asking again starts over, which only
 * delays caching).
 */
final class IndexSettle {

    static final long MAXIMUM_SIZE = 10_000;

    private final long settleNanos;
    private final Ticker ticker;
    private final Cache<String, Long> firstSeen;

    /**
     * How long the index may lag behind a write: {@code catalog.cache.index-settle}, or the eventual lag when that is
     * longer (an index read is an eventually consistent read).
     */
    static Duration bound(CatalogConfig config) {
        Duration settle = config.cache().indexSettle();
        Duration lag = config.dynamodb().eventualLag();
        return lag.compareTo(settle) > 0 ? lag : settle;
    }

    IndexSettle(Duration settle, Ticker ticker) {
        this.settleNanos = settle.toNanos();
        this.ticker = ticker;
        this.firstSeen = Caffeine.newBuilder().maximumSize(MAXIMUM_SIZE)
                .expireAfterAccess(settle.multipliedBy(10).plusMinutes(1)).ticker(ticker).build();
    }

    /** Whether {@code generation} of {@code counter} has been known here for the settle time. */
    boolean settled(String counter, long generation) {
        if (settleNanos == 0 || generation == 0) {
            return true;
        }
        long now = ticker.read();
        long seen = firstSeen.get(counter + '@' + generation, k -> now);
        return now - seen >= settleNanos;
    }
}
