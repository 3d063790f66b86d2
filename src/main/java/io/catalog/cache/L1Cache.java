package io.catalog.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.config.CatalogConfig;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CaffeineCache;
import io.quarkus.cache.runtime.caffeine.CaffeineCacheImpl;
import io.quarkus.cache.runtime.caffeine.CaffeineCacheInfo;

/**
 * The in-process tier: bounded, short TTL, and only as good as its invalidation. {@link #flush()} drops every
 * entry and moves to a new epoch, so that a load begun before the flush (which may have read data that a lost
 * event would have invalidated) is not cached after it.
 * <p>
 * <b>Storage.</b> The entries live in the named quarkus-cache Caffeine cache {@value #NAME}, configured by
 * {@code quarkus.cache.caffeine."catalog-l1".*} (its maximum size, its expiry, its metrics: {@code cache.gets},
 * {@code cache.puts}, {@code cache.evictions}, {@code cache.size} with {@code cache="catalog-l1"}), used
 * programmatically: the coherence logic needs puts conditional on the epoch and drops of entries older than a
 * version, which the annotations do not express. Outside Quarkus (unit tests, JMH) the same implementation is built
 * directly from the same settings.
 * <p>
 * <b>Time.</b> An entry is served for {@code ttl} on the injected {@link Ticker}, the clock of the floors and of the
 * feed's heartbeat (tests move it instead of sleeping); the cache's own {@code expire-after-write}, set to the same
 * TTL, reclaims the memory.
 * <p>
 * <b>Bounded by bytes and by entries.</b> A 100-item page is tens of kilobytes, a product a few hundred bytes, so
 * a count alone does not bound the heap, and quarkus-cache 3.33 offers no weigher (no {@code maximum-weight}). So
 * L1 keeps at most {@code maximumSize} entries (the cache's bound) and refuses any entry (the value and its
 * {@link PreparedValue prepared HTTP form}) whose {@link #weigh estimated heap bytes} exceed
 * {@code maximumWeight / maximumSize}: it never holds more than {@code maximumWeight} estimated bytes. A refused
 * value is served from L2 as usual.
 * <p>
 * <b>No thread per update.</b> quarkus-cache's Caffeine cache is asynchronous, and Caffeine tells an asynchronous
 * cache of every replaced value on its executor, the common {@code ForkJoinPool}, with two
 * {@code CompletableFuture} stages. Where that pool is off (its parallelism is the CPU count minus one, so on 2 CPUs
 * or fewer: a small container, and the 2-core machines this project measures on), {@code CompletableFuture} runs
 * each stage on a new thread: two threads started per replaced entry, six thousand for a 1,000-item batch on three
 * pods. So an update never replaces: it drops the older entry (a removal, which tells no one: there is no removal
 * listener) and puts the newer one, under the key's lock stripe; a read in between sees a miss, never an older
 * version.
 */
public final class L1Cache {

    /** The quarkus-cache name of L1. */
    public static final String NAME = "catalog-l1";
    /** Fixed heap bytes of an entry besides its strings: Caffeine's node, the map's node, the record, the list. */
    static final int ENTRY_OVERHEAD = 200;
    /** Heap bytes of a String besides its characters (object header, fields, array header). */
    static final int STRING_OVERHEAD = 56;

    private final CaffeineCache entries;
    private final Ticker ticker;
    private final long ttlNanos;
    private final long maximumEntryWeight;
    private final AtomicLong epoch = new AtomicLong();
    /** Locks that make a put's version check and the put one step per key (64 stripes: puts are misses and events). */
    private final Object[] stripes = new Object[64];

    /**
     * L1 on the quarkus-cache cache {@code entries} (configured with at most {@code maximumSize} entries).
     *
     * @param maximumWeight most estimated heap bytes kept
     */
    public L1Cache(CaffeineCache entries, Duration ttl, long maximumSize, long maximumWeight, Ticker ticker) {
        this.entries = entries;
        this.ticker = ticker;
        this.ttlNanos = ttl.toNanos();
        this.maximumEntryWeight = Math.max(1, maximumWeight / Math.max(1, maximumSize));
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    /** L1 on the application's named cache {@code entries}, with the configured bounds. */
    public static L1Cache of(Cache entries, CatalogConfig config, Ticker ticker) {
        return new L1Cache(entries.as(CaffeineCache.class), config.l1().ttl(), config.l1().maximumSize(),
                config.l1().maximumWeight().asLongValue(), ticker);
    }

    /** L1 outside Quarkus (tests, a second pod in one JVM): the same quarkus-cache implementation and settings. */
    public static L1Cache standalone(CatalogConfig config, Ticker ticker) {
        return new L1Cache(config.l1().ttl(), config.l1().maximumSize(), config.l1().maximumWeight().asLongValue(),
                ticker);
    }

    /**
     * L1 outside Quarkus: the same quarkus-cache implementation, built from the same settings.
     *
     * @param maximumSize most entries kept
     * @param maximumWeight most estimated heap bytes kept
     */
    public L1Cache(Duration ttl, long maximumSize, long maximumWeight, Ticker ticker) {
        this(standalone(ttl, maximumSize), ttl, maximumSize, maximumWeight, ticker);
    }

    private static CaffeineCache standalone(Duration ttl, long maximumSize) {
        CaffeineCacheInfo info = new CaffeineCacheInfo();
        info.name = NAME;
        info.maximumSize = maximumSize;
        info.expireAfterWrite = ttl;
        return new CaffeineCacheImpl(info, false);
    }

    /**
     * Estimated heap bytes of an entry, on the safe side: two bytes a character (strings with only Latin-1
     * characters take one), the prepared form's bytes, plus the fixed overheads.
     */
    static int weigh(String key, CachedValue value) {
        return weigh(key, new PreparedValue(value, 0));
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
        PreparedValue prepared = prepared(key);
        return prepared == null ? null : prepared.value();
    }

    /** The entry of {@code key} with its prepared HTTP form, or {@code null} (absent, or older than the TTL). */
    public PreparedValue prepared(String key) {
        PreparedValue prepared = current(key);
        return prepared == null || ticker.read() - prepared.written() >= ttlNanos ? null : prepared;
    }

    private PreparedValue current(String key) {
        CompletableFuture<PreparedValue> entry = entries.getIfPresent(key);
        return entry == null ? null : entry.getNow(null);
    }

    /** How long the entry of {@code key} has been cached, when there is one. */
    public Optional<Duration> ageOf(String key) {
        PreparedValue prepared = current(key);
        return prepared == null ? Optional.empty() : Optional.of(Duration.ofNanos(ticker.read() - prepared.written()));
    }

    public long epoch() {
        return epoch.get();
    }

    /**
     * Caches {@code value} unless the entry is already as new or newer, the cache was flushed since
     * {@code epochBefore} (taken before the value was loaded, or before its event was read), or it weighs more than an
     * entry may. L1 never goes back to an older version: neither a slow load nor a late event replaces what an event
     * put (quarkus-cache has no atomic merge, so puts of the same key take a lock stripe; reads take none). Where
     * there is no entry, the value is admitted like any new entry (the cache's size bound evicts what events bring
     * in and nobody reads).
     */
    public void put(String key, CachedValue value, long epochBefore) {
        if (!value.cacheable() || epochBefore != epoch.get()) {
            return;
        }
        PreparedValue prepared = new PreparedValue(value, ticker.read());
        if (weigh(key, prepared) > maximumEntryWeight) {
            return;
        }
        synchronized (stripes[(key.hashCode() & 0x7fffffff) % stripes.length]) {
            PreparedValue current = current(key);
            if (current != null) {
                if (current.value().version() >= value.version()) {
                    return;
                }
                drop(key); // never a replace: see the class comment ("No thread per update")
            }
            entries.put(key, CompletableFuture.completedFuture(prepared));
        }
        if (epochBefore != epoch.get()) {
            drop(key); // flushed meanwhile; whatever is there now, a miss is always safe
        }
    }

    /**
     * Drops the entry of {@code key} unless it already holds {@code version} or newer. Check and drop are two steps:
     * an entry put in between may be dropped too, which costs a miss, never a stale read (the floor, raised before,
     * refuses any older value that comes back).
     */
    public void invalidateOlderThan(String key, long version) {
        PreparedValue prepared = current(key);
        if (prepared != null && prepared.value().version() < version) {
            drop(key);
        }
    }

    /** Drops every entry; loads begun before this call will not be cached. */
    public void flush() {
        epoch.incrementAndGet();
        // quarkus-cache's operations are lazy Unis; this one runs (synchronously) when subscribed
        entries.invalidateAll().subscribe().with(ignored -> {
        });
    }

    private void drop(String key) {
        entries.invalidate(key).subscribe().with(ignored -> {
        });
    }

    /** The entries kept now (evictions run asynchronously: a moment after a burst of puts the bound holds). */
    public long size() {
        return entries.keySet().size();
    }

    /** The total estimated heap bytes of the entries kept. */
    public long weight() {
        long total = 0;
        for (Object key : entries.keySet()) {
            PreparedValue prepared = current((String) key);
            total += prepared == null ? 0 : weigh((String) key, prepared);
        }
        return total;
    }

    /** The keys cached now (for inspection and tests). */
    public Set<String> keys() {
        return entries.keySet().stream().map(String.class::cast).collect(Collectors.toUnmodifiableSet());
    }

    /** The most estimated heap bytes an entry may weigh. */
    long maximumEntryWeight() {
        return maximumEntryWeight;
    }
}
