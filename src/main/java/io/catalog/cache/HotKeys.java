package io.catalog.cache;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The most read keys of this pod, in a fixed number of counters whatever the number of distinct keys: a hashed
 * heavy-hitters sketch (Misra-Gries per bucket). A key hashes to one of {@link #SLOTS} slots. A read of the key the
 * slot holds adds to its counts; a read of another key adds to the slot's <em>wear</em>, and takes the slot (its
 * counts start again from this read) once the wear reaches the holder's reads. A key read more often than all the
 * others hashing to its slot together therefore keeps the slot, and its counts are those since it took it: a lower
 * bound, exact for a key that never lost its slot. Cold keys pass through the slots without displacing a hot one.
 * <p>
 * Cheap on the read path: no allocation (the slot keeps the caller's key string), no lock, one atomic increment. Races between
 * two readers of one slot can misattribute a read or two; counts are estimates.
 * <p>
 * The sketch also keeps a small ring of {@linkplain #recent recently read keys} (every L1 miss, and every
 * {@link #SAMPLE_EVERY}th read of a slot) for the consistency checker to sample from.
 */
public final class HotKeys {

    /** Counters kept: a power of two. */
    static final int SLOTS = 4096;
    /** Recently read keys kept for sampling: a power of two. */
    static final int RECENT = 256;
    /** One read in this many of a slot's key is offered to the recent ring (a power of two). */
    static final int SAMPLE_EVERY = 64;

    private static final int READS = 0;
    private static final int MISSES = 1;
    private static final int INVALIDATIONS = 2;
    private static final int WEAR = 3;
    private static final int FIELDS = 4;

    private final AtomicReferenceArray<String> keys = new AtomicReferenceArray<>(SLOTS);
    private final AtomicLongArray counts = new AtomicLongArray(SLOTS * FIELDS);
    private final AtomicReferenceArray<String> recent = new AtomicReferenceArray<>(RECENT);
    private final AtomicInteger recentNext = new AtomicInteger();

    /** One key's counts. */
    @RegisterForReflection
    public record Hot(String key, long reads, long misses, long invalidations) {
    }

    /** A read of {@code key} (on the L1 lookup, whatever its outcome). */
    public void read(String key) {
        int slot = slot(key);
        String holder = keys.get(slot);
        if (key.equals(holder)) {
            long reads = counts.incrementAndGet(slot * FIELDS + READS);
            if ((reads & (SAMPLE_EVERY - 1)) == 0) {
                offer(key);
            }
        } else if (holder == null
                || counts.incrementAndGet(slot * FIELDS + WEAR) >= counts.get(slot * FIELDS + READS)) {
            take(slot, holder, key);
        }
    }

    /** A read of {@code key} that L1 could not answer (counted on top of its {@link #read}). */
    public void miss(String key) {
        int slot = slot(key);
        if (key.equals(keys.get(slot))) {
            counts.incrementAndGet(slot * FIELDS + MISSES);
        }
        offer(key);
    }

    /** An event invalidated {@code key}; counted only for a key the sketch holds (nobody reads the others). */
    public void invalidated(String key) {
        int slot = slot(key);
        if (key.equals(keys.get(slot))) {
            counts.incrementAndGet(slot * FIELDS + INVALIDATIONS);
        }
    }

    private void take(int slot, String holder, String key) {
        if (keys.compareAndSet(slot, holder, key)) {
            int base = slot * FIELDS;
            counts.set(base + READS, 1);
            counts.set(base + MISSES, 0);
            counts.set(base + INVALIDATIONS, 0);
            counts.set(base + WEAR, 0);
        }
    }

    private void offer(String key) {
        recent.lazySet(recentNext.getAndIncrement() & (RECENT - 1), key);
    }

    /** The {@code limit} most read keys held, most read first. */
    public List<Hot> top(int limit) {
        List<Hot> held = new ArrayList<>();
        for (int slot = 0; slot < SLOTS; slot++) {
            String key = keys.get(slot);
            if (key != null) {
                int base = slot * FIELDS;
                held.add(new Hot(key, counts.get(base + READS), counts.get(base + MISSES),
                        counts.get(base + INVALIDATIONS)));
            }
        }
        held.sort(Comparator.comparingLong(Hot::reads).reversed().thenComparing(Hot::key));
        return List.copyOf(held.subList(0, Math.min(limit, held.size())));
    }

    /** A recently read key, chosen by {@code random} (any int), or {@code null} when none was read yet. */
    public String recent(int random) {
        int offered = recentNext.get();
        int filled = offered < 0 || offered > RECENT ? RECENT : offered;
        return filled == 0 ? null : recent.get(Math.floorMod(random, filled));
    }

    /** Keys held now (at most {@link #SLOTS}; for tests). */
    int held() {
        int held = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            held += keys.get(slot) == null ? 0 : 1;
        }
        return held;
    }

    private static int slot(String key) {
        int h = key.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
