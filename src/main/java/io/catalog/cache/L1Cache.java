package io.catalog.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The in-process tier: bounded, short TTL, and only as good as its invalidation. {@link #flush()} drops every
 * entry and moves to a new epoch, so that a load begun before the flush (which may have read data that a lost
 * event would have invalidated) is not cached after it.
 */
public final class L1Cache {

    private final Cache<String, CachedValue> entries;
    private final AtomicLong epoch = new AtomicLong();

    public L1Cache(Duration ttl, long maximumSize, Ticker ticker) {
        this.entries = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maximumSize).ticker(ticker).build();
    }

    public CachedValue get(String key) {
        return entries.getIfPresent(key);
    }

    public long epoch() {
        return epoch.get();
    }

    /** Caches {@code value} unless the cache was flushed since {@code loadEpoch}. */
    public void put(String key, CachedValue value, long loadEpoch) {
        if (!value.cacheable() || loadEpoch != epoch.get()) {
            return;
        }
        entries.put(key, value);
        if (loadEpoch != epoch.get()) {
            entries.asMap().remove(key, value);
        }
    }

    /** Drops the entry of {@code key} unless it already holds {@code version} or newer. */
    public void invalidateOlderThan(String key, long version) {
        entries.asMap().computeIfPresent(key, (k, value) -> value.version() >= version ? value : null);
    }

    /** Drops every entry; loads begun before this call will not be cached. */
    public void flush() {
        epoch.incrementAndGet();
        entries.invalidateAll();
    }

    public long size() {
        return entries.estimatedSize();
    }
}
