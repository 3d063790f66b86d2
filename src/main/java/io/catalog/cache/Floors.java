package io.catalog.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The newest version this pod knows of, per token: raised by every applied event and by every value served.
 * A value below its token's floor is stale and is neither served nor cached. This closes the stale-set race
 * (a load that read v1 before v2's event must not be cached after it) and gives monotonic reads (a pod that
 * answered version N never answers an older one).
 * <p>
 * Floors are kept longer than any cached value can live (the retention is at least twice the L1 TTL), so a
 * value can never outlive the floor that condemns it.
 * <p>
 * <b>Bounded.</b> Anyone can make the pod learn a floor (every public read raises one, a 404 of an invented id
 * too), so at most {@code maximumSize} floors are kept. A floor evicted for size is not forgotten but folded into
 * a per-pod <em>low-water mark</em>, the highest floor ever evicted: a token without a floor gets the low-water
 * mark as its floor, so a value older than it is not admitted and the read path re-reads it strongly consistent
 * ({@link #confirm}). Monotonic reads therefore hold for evicted tokens too; what eviction costs is one strongly
 * consistent read for a token that comes back. Floors of tokens that never existed are 0 and leave the mark
 * where it is. Caffeine calls the eviction listener inside the atomic removal of the entry, before the entry is
 * gone from the map, so no reader sees the floor gone without the raised mark.
 */
public final class Floors {

    private final Cache<String, Long> floors;
    private final long maximumSize;
    private final AtomicLong lowWater = new AtomicLong();

    public Floors(Duration retention, long maximumSize, Ticker ticker) {
        this.maximumSize = maximumSize;
        this.floors = Caffeine.newBuilder().expireAfterWrite(retention).maximumSize(maximumSize).ticker(ticker)
                .evictionListener((String token, Long floor, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE && floor != null) {
                        evicted(floor);
                    }
                }).build();
    }

    /** A floor was evicted for size: the low-water mark takes it over. */
    void evicted(long floor) {
        lowWater.accumulateAndGet(floor, Math::max);
    }

    /**
     * Raises the floor of {@code token} to {@code version} unless it is already there. A token without a floor
     * starts from the low-water mark: its evicted floor may have been higher than {@code version}.
     */
    public void raise(String token, long version) {
        floors.asMap().compute(token, (t, floor) -> Math.max(floor == null ? lowWater.get() : floor, version));
    }

    /**
     * Records what a strongly consistent read of {@code token} returned: {@code version} is its newest version, so
     * a token without a floor gets exactly that (below the low-water mark if the token is old), and its cached
     * value is admitted again. Only when a floor was evicted while the read was in flight ({@code markBefore},
     * the {@link #lowWater()} taken before the read, has moved past {@code version}) is the low-water mark kept:
     * that floor may have been this token's and newer than the read.
     */
    public void confirm(String token, long version, long markBefore) {
        floors.asMap().compute(token, (t, floor) -> {
            if (floor != null) {
                return Math.max(floor, version);
            }
            long mark = lowWater.get();
            return mark == markBefore ? version : Math.max(mark, version);
        });
    }

    /** The floor of {@code token}: its own, or the low-water mark when it has none. */
    public long of(String token) {
        Long floor = floors.getIfPresent(token);
        return floor == null ? lowWater.get() : floor;
    }

    /** The highest floor evicted for size: the floor of every token that has none. */
    public long lowWater() {
        return lowWater.get();
    }

    /** Whether {@code value} is at least as new as everything known of its token. */
    public boolean admits(CachedValue value) {
        return value.version() >= of(value.token());
    }

    /** Whether {@code token} has a floor of its own (for tests). */
    boolean holds(String token) {
        return floors.asMap().containsKey(token);
    }

    /** The most floors kept at once. */
    public long maximumSize() {
        return maximumSize;
    }

    /** Number of floors kept (for tests and metrics). */
    public long size() {
        floors.cleanUp();
        return floors.estimatedSize();
    }
}
