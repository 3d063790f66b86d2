package io.catalog.cache;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The newest version this pod knows of, per token: raised by every applied event and by every value served.
 * A value below its token's floor is stale and is neither served nor cached. This closes the stale-set race
 * (a load that read v1 before v2's event must not be cached after it) and gives monotonic reads (a pod that
 * answered version N never answers an older one).
 * <p>
 * Floors are kept longer than any cached value can live (the retention is at least twice the L1 TTL), so a
 * value can never outlive the floor that condemns it.
 */
public final class Floors {

    private final Cache<String, Long> floors;

    public Floors(Duration retention, Ticker ticker) {
        this.floors = Caffeine.newBuilder().expireAfterWrite(retention).ticker(ticker).build();
    }

    /** Raises the floor of {@code token} to {@code version} unless it is already there. */
    public void raise(String token, long version) {
        floors.asMap().merge(token, version, Math::max);
    }

    public long of(String token) {
        Long floor = floors.getIfPresent(token);
        return floor == null ? 0 : floor;
    }

    /** Whether {@code value} is at least as new as everything known of its token. */
    public boolean admits(CachedValue value) {
        return value.version() >= of(value.token());
    }
}
