package io.catalog.service;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.Served;
import io.catalog.cache.Tier;
import io.catalog.store.StoreUnavailable;
import io.smallrye.mutiny.Uni;

/**
 * What a pod last served of each aggregate (a list page's ids, a category summary), held so that a warm aggregate
 * outlives a store that hangs. Such values are often not cacheable in L1 (computed while the index may still lag, or
 * while a write of the category was in flight): they are recomputed on the next read, which needs the store. When
 * that read has not answered within {@link #PATIENCE} (the store hangs; a call only gives up after 2 s) or fails
 * with {@link StoreUnavailable}, the pod serves what it last served instead, provided its feed is trusted and it heard
 * no change at all, and had no gap in its feed, since that value's read began ({@link CacheCoherence#changesHeard()}).
 * A value this pod served, with nothing heard since by a pod that every acknowledged write waits for, and nothing
 * missed, is as new as any read of the store could be. Floors alone would not do: a gap's changes raised none, and a
 * change heard with a sequence below the value's label leaves the floor admitting a value that lacks it. While the
 * store hangs, writes fail, so what was served just before it hung stands in.
 *
 * <p>
 * A read with nothing to stand in for it that has not answered within {@link #DEADLINE} fails with
 * {@link StoreUnavailable}: a cold aggregate whose computation needs the store more than once (its generation, then
 * its members) answers 503 within the client's 3 s, not after each call's own 2 s.
 *
 * <p>
 * Bounded: the newest {@link #MAXIMUM_SIZE} keys, each for {@link CacheCoherence#FLOOR_RETENTION} (beyond which
 * floors are forgotten too).
 */
public final class LastServed {

    static final Duration PATIENCE = Duration.ofMillis(500);
    static final Duration DEADLINE = Duration.ofMillis(2500);
    static final long MAXIMUM_SIZE = 10_000;

    /** A value served, and the {@link CacheCoherence#changesHeard()} when its read began. */
    private record Remembered(CachedValue value, long heardBefore) {
    }

    private final CacheCoherence coherence;
    private final Cache<String, Remembered> values;
    private final Duration patience;
    private final Duration deadline;

    public LastServed(CacheCoherence coherence) {
        this(coherence, PATIENCE, DEADLINE);
    }

    LastServed(CacheCoherence coherence, Duration patience, Duration deadline) {
        this.coherence = coherence;
        this.patience = patience;
        this.deadline = deadline;
        this.values = Caffeine.newBuilder().maximumSize(MAXIMUM_SIZE)
                .expireAfterWrite(CacheCoherence.FLOOR_RETENTION).build();
    }

    /**
     * {@code read} (the aggregate {@code key} through the tiers), remembered when it answers; standing in for it, or
     * failing fast, as the class says.
     *
     * @param heardBefore {@link CacheCoherence#changesHeard()} taken before the read began (before its L1 lookup)
     */
    public Uni<Served> guard(String key, long heardBefore, Uni<Served> read) {
        Uni<Served> remembered = read.invoke(served -> {
            if (served.standsIn()) {
                values.put(key, new Remembered(served.value(), heardBefore));
            } else {
                values.invalidate(key);
            }
        });
        Uni<Served> bounded = remembered.ifNoItem().after(deadline).failWith(() -> new StoreUnavailable(
                "read of " + key, new TimeoutException("no answer within " + deadline.toMillis() + " ms")));
        Remembered last = values.getIfPresent(key);
        if (last == null || !standsIn(last)) {
            return bounded;
        }
        // a change heard meanwhile forbids the stand-in: then the read goes on, bounded as any other
        return remembered.ifNoItem().after(patience).recoverWithUni(() -> standIn(key, bounded))
                .onFailure(StoreUnavailable.class).recoverWithUni(failure -> standIn(key, Uni.createFrom().failure(failure)));
    }

    /**
     * Remembers {@code value} as served for {@code key}, for a read answered without {@link #guard} (an L1 hit), with
     * {@link CacheCoherence#changesHeard()} taken before its L1 lookup.
     */
    public void remember(String key, CachedValue value, long heardBefore) {
        values.put(key, new Remembered(value, heardBefore));
    }

    /** Nothing heard (and no gap) since its read began, and the feed trusted now; the floors admit it. */
    private boolean standsIn(Remembered last) {
        return coherence.l1Trusted() && last.heardBefore() == coherence.changesHeard()
                && coherence.floors().admits(last.value());
    }

    /** The last value served of {@code key} if it may still be served, else {@code otherwise}. */
    private Uni<Served> standIn(String key, Uni<Served> otherwise) {
        Remembered last = values.getIfPresent(key);
        if (last != null && standsIn(last)) {
            return Uni.createFrom().item(new Served(last.value().uncacheable(), Tier.L1));
        }
        return otherwise;
    }
}
