package io.catalog.lab;

import java.time.Duration;

import io.catalog.cache.CachedValue;
import io.catalog.cache.L2Cache;
import io.smallrye.mutiny.Uni;

/**
 * No shared tier ({@code catalog.l2.enabled=false}, the benchmarks' DynamoDB pod): every read a miss, every write
 * and marker dropped. Redis still carries the feed, the summaries and the rate limits.
 */
public class AbsentL2 extends L2Cache {

    public AbsentL2(String prefix) {
        super(null, prefix, Duration.ZERO, 0);
    }

    @Override
    public boolean enabled() {
        return false;
    }

    @Override
    public Uni<Hit> get(String key) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Uni<Entry> peek(String key) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Uni<Void> evict(String key) {
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> write(String key, CachedValue value, Duration ttl) {
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> invalidate(String key, long version, Duration ttl) {
        return Uni.createFrom().voidItem();
    }
}
