package io.catalog.service;

import java.time.Duration;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.Served;
import io.catalog.cache.Source;
import io.catalog.cache.TieredCache;
import io.catalog.config.CatalogConfig;
import io.catalog.model.Keys;
import io.catalog.store.CounterStore;
import io.catalog.store.CounterStore.Generation;
import io.catalog.store.StoreUnavailable;
import io.catalog.store.Tables;
import io.smallrye.mutiny.Uni;

/**
 * Values computed from many products (a page's ids, a page, a summary) through the tiered cache, each versioned by a
 * counter (a category's or the catalog's generation, or a listing's membership generation): the counter first, then
 * the data, so that a value is never labelled newer than what it contains; a value computed while the index may still
 * lag behind the counter's newest change is served but not cached ({@link IndexSettle}). While the store hangs, what
 * this pod last served of it stands in ({@link LastServed}).
 */
@ApplicationScoped
public class Aggregates {

    static final long MAXIMUM_GENERATIONS = 10_000;

    private final TieredCache cache;
    private final CounterStore counters;
    private final CacheCoherence coherence;
    private final IndexSettle settle;
    private final LastServed lastServed;
    private final Duration ttl;
    /** The last generation the store gave of each counter (bounded: the most recent counters). */
    private final Cache<String, KnownGeneration> storeGenerations = Caffeine.newBuilder()
            .maximumSize(MAXIMUM_GENERATIONS).expireAfterWrite(CacheCoherence.FLOOR_RETENTION).build();

    /** A generation read from the store, and the {@link CacheCoherence#changesHeard()} when its read began. */
    private record KnownGeneration(long sequence, long heardBefore) {
    }

    public Aggregates(TieredCache cache, CounterStore counters, CacheCoherence coherence, Ticker ticker,
            CatalogConfig config) {
        this.cache = cache;
        this.counters = counters;
        this.coherence = coherence;
        this.settle = new IndexSettle(IndexSettle.bound(config), ticker);
        this.lastServed = new LastServed(coherence);
        this.ttl = config.l2().aggregateTtl();
    }

    /** An aggregate versioned by {@code counter}; {@code l2Key} names its L2 entries (with the generation). */
    public Uni<Served> versioned(String key, String l2Key, String counter,
            Function<Generation, Uni<CachedValue>> compute) {
        return get(key, l2Key, counter, generation(counter), compute);
    }

    /**
     * An aggregate with no version: it lives until its TTL (the lab's TTL-only baseline, where events invalidate
     * nothing in L2).
     */
    public Uni<Served> unversioned(String key, String l2Key, String counter, Function<Generation, Uni<CachedValue>> compute) {
        return get(key, l2Key, counter, Uni.createFrom().item(Generation.NONE), compute);
    }

    private Uni<Served> get(String key, String l2Key, String counter, Uni<Generation> current,
            Function<Generation, Uni<CachedValue>> compute) {
        Source source = () -> current.map(generation -> {
            boolean settled = settle.settled(counter, generation.sequence());
            return new Source.Plan(Keys.atGeneration(l2Key, generation.sequence()),
                    consistent -> compute.apply(generation).map(value -> settled ? value : value.uncacheable()));
        });
        long heardBefore = coherence.changesHeard(); // before the L1 lookup
        return lastServed.guard(key, heardBefore, cache.getFresh(key, source, ttl));
    }

    /**
     * A generation from the store; while the store cannot answer, the last one the store gave this pod, provided its
     * feed is trusted and it heard no change at all (and had no gap) since that read began
     * ({@link CacheCoherence#changesHeard()}): L2 entries under that generation are then still correct to serve, exactly
     * as L1 entries are. Not the pod's floor of the token: after a gap it lacks the changes the gap took, and a change
     * that came late is counted under a fresh generation above its own sequence, which no floor shows.
     */
    private Uni<Generation> generation(String counter) {
        long heardBefore = coherence.changesHeard();
        return counters.generation(counter)
                .invoke(read -> storeGenerations.put(counter, new KnownGeneration(read.sequence(), heardBefore)))
                .onFailure(StoreUnavailable.class).recoverWithUni(failure -> {
                    KnownGeneration read = storeGenerations.getIfPresent(counter);
                    return read != null && read.sequence() > 0 && coherence.l1Trusted()
                            && read.heardBefore() == coherence.changesHeard()
                                    ? Uni.createFrom().item(new Generation(read.sequence(), 0))
                                    : Uni.createFrom().failure(failure);
                });
    }

    /** The counter that versions a category's aggregates ({@code null}: the whole catalog's). */
    public static String generationCounter(String category) {
        return category == null ? Tables.catalogGeneration() : Tables.categoryGeneration(category);
    }

    /** The floor token a category's changes raise ({@code null}: every product's). */
    public static String token(String category) {
        return category == null ? Keys.ALL_PRODUCTS : Keys.category(category);
    }
}
