package io.catalog.cache;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The in-process tier: bounded, short TTL, and only as good as its invalidation. {@link #flush()} drops every
 * entry and moves to a new epoch, so that a load begun before the flush (which may have read data that a lost
 * event would have invalidated) is not cached after it.
 * <p>
 * <b>Bounded by bytes and by entries.</b> A 100-item page is tens of kilobytes, a product a few hundred bytes, so
 * a count alone does not bound the heap. Each entry weighs its {@link #weigh estimated heap bytes}, but at least
 * {@code maximumWeight / maximumSize}: the total weight stays under {@code maximumWeight}, so L1 never holds more
 * than {@code maximumWeight} estimated bytes, nor more than {@code maximumSize} entries.
 */
public final class L1Cache {

    /** Fixed heap bytes of an entry besides its strings: Caffeine's node, the map's node, the record, the list. */
    static final int ENTRY_OVERHEAD = 200;
    /** Heap bytes of a String besides its characters (object header, fields, array header). */
    static final int STRING_OVERHEAD = 56;

    private final Cache<String, CachedValue> entries;
    private final AtomicLong epoch = new AtomicLong();

    /**
     * @param maximumSize most entries kept
     * @param maximumWeight most estimated heap bytes kept
     */
    public L1Cache(Duration ttl, long maximumSize, long maximumWeight, Ticker ticker) {
        int least = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maximumWeight / Math.max(1, maximumSize)));
        this.entries = Caffeine.newBuilder().expireAfterWrite(ttl).maximumWeight(maximumWeight)
                .weigher((String key, CachedValue value) -> Math.max(least, weigh(key, value)))
                .ticker(ticker).build();
    }

    /**
     * Estimated heap bytes of an entry, on the safe side: two bytes a character (strings with only Latin-1
     * characters take one), plus the fixed overheads.
     */
    static int weigh(String key, CachedValue value) {
        long bytes = ENTRY_OVERHEAD + chars(key) + chars(value.body()) + chars(value.etag()) + chars(value.token());
        for (String surrogateKey : value.surrogateKeys()) {
            bytes += chars(surrogateKey) + 8;
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private static long chars(String s) {
        return s == null ? 0 : STRING_OVERHEAD + 2L * s.length();
    }

    public CachedValue get(String key) {
        return entries.getIfPresent(key);
    }

    public long epoch() {
        return epoch.get();
    }

    /**
     * Caches {@code value} unless the entry is already as new or newer, or the cache was flushed since
     * {@code epochBefore} (taken before the value was loaded, or before its event was read). L1 never goes back to
     * an older version: neither a slow load nor a late event replaces what an event put. Where there is no entry,
     * the value is admitted like any new entry (Caffeine's admission policy bounds what events bring in).
     */
    public void put(String key, CachedValue value, long epochBefore) {
        if (!value.cacheable() || epochBefore != epoch.get()) {
            return;
        }
        CachedValue kept = entries.asMap().merge(key, value,
                (current, next) -> current.version() >= next.version() ? current : next);
        if (kept == value && epochBefore != epoch.get()) {
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
        entries.cleanUp();
        return entries.estimatedSize();
    }

    /** The total weight (estimated heap bytes, or the per-entry minimum) of the entries kept. */
    public long weight() {
        entries.cleanUp();
        return entries.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    /** The keys cached now (for inspection and tests). */
    public Set<String> keys() {
        return Set.copyOf(entries.asMap().keySet());
    }
}
