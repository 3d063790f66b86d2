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
 * a count alone does not bound the heap. Each entry (the value and its {@link PreparedValue prepared HTTP form})
 * weighs its {@link #weigh estimated heap bytes}, but at least
 * {@code maximumWeight / maximumSize}: the total weight stays under {@code maximumWeight}, so L1 never holds more
 * than {@code maximumWeight} estimated bytes, nor more than {@code maximumSize} entries.
 */
public final class L1Cache {

    /** Fixed heap bytes of an entry besides its strings: Caffeine's node, the map's node, the record, the list. */
    static final int ENTRY_OVERHEAD = 200;
    /** Heap bytes of a String besides its characters (object header, fields, array header). */
    static final int STRING_OVERHEAD = 56;

    private final Cache<String, PreparedValue> entries;
    private final AtomicLong epoch = new AtomicLong();

    /**
     * @param maximumSize most entries kept
     * @param maximumWeight most estimated heap bytes kept
     */
    public L1Cache(Duration ttl, long maximumSize, long maximumWeight, Ticker ticker) {
        int least = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maximumWeight / Math.max(1, maximumSize)));
        this.entries = Caffeine.newBuilder().expireAfterWrite(ttl).maximumWeight(maximumWeight)
                .weigher((String key, PreparedValue value) -> Math.max(least, weigh(key, value)))
                .ticker(ticker).build();
    }

    /**
     * Estimated heap bytes of an entry, on the safe side: two bytes a character (strings with only Latin-1
     * characters take one), plus the fixed overheads.
     */
    static int weigh(String key, CachedValue value) {
        return weigh(key, new PreparedValue(value));
    }

    private static int weigh(String key, PreparedValue prepared) {
        CachedValue value = prepared.value();
        long bytes = ENTRY_OVERHEAD + chars(key) + chars(value.body()) + chars(value.etag()) + chars(value.token())
                + prepared.extraBytes();
        for (String surrogateKey : value.surrogateKeys()) {
            bytes += chars(surrogateKey) + 8;
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private static long chars(String s) {
        return s == null ? 0 : STRING_OVERHEAD + 2L * s.length();
    }

    public CachedValue get(String key) {
        PreparedValue prepared = entries.getIfPresent(key);
        return prepared == null ? null : prepared.value();
    }

    /** The entry of {@code key} with its prepared HTTP form, or {@code null}. */
    public PreparedValue prepared(String key) {
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
        PreparedValue prepared = new PreparedValue(value);
        entries.put(key, prepared);
        if (loadEpoch != epoch.get()) {
            entries.asMap().remove(key, prepared);
        }
    }

    /** Drops the entry of {@code key} unless it already holds {@code version} or newer. */
    public void invalidateOlderThan(String key, long version) {
        entries.asMap().computeIfPresent(key, (k, prepared) -> prepared.value().version() >= version ? prepared : null);
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
