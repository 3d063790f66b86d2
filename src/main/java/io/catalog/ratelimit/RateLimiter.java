package io.catalog.ratelimit;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.config.CatalogConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Per-client token buckets, shared by every pod through Redis ({@link RedisBuckets}) while Redis answers within
 * {@code catalog.rate-limit.redis-timeout}, and per pod ({@link LocalBuckets}) when it does not: a Redis outage
 * multiplies a client's budget by the number of pods for a while, it never stops or slows the service. After a
 * failed Redis check the pod counts on its own for a second before it asks Redis again, so an outage does not cost
 * every request a timeout.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);
    static final Duration REDIS_BACKOFF = Duration.ofSeconds(1);

    private final boolean enabled;
    private final RedisBuckets shared;
    private final LocalBuckets local;
    private final Duration timeout;
    private final Ticker ticker;
    private volatile long redisAgainAt;

    @Inject
    public RateLimiter(ReactiveRedisDataSource redis, CatalogConfig config, Ticker ticker) {
        this(config.rateLimit().enabled(), new RedisBuckets(redis, config.l2().keyPrefix()),
                config.rateLimit(), ticker);
    }

    RateLimiter(boolean enabled, RedisBuckets shared, CatalogConfig.RateLimit config, Ticker ticker) {
        this.enabled = enabled;
        this.shared = shared;
        this.timeout = config.redisTimeout();
        this.ticker = ticker;
        long slowest = Math.max(Limit.reads(config).windowSeconds(),
                Math.max(Limit.checkout(config).windowSeconds(), Limit.admin(config).windowSeconds()));
        this.local = new LocalBuckets(config.maxClients(), Duration.ofSeconds(slowest + 1), ticker);
        this.redisAgainAt = ticker.read();
    }

    public boolean enabled() {
        return enabled;
    }

    /** Takes one token from {@code client}'s bucket for {@code limit}. Never fails. */
    public Uni<Decision> take(String client, Limit limit) {
        if (!enabled) {
            return Uni.createFrom().item(Decision.allow(limit.burst()));
        }
        if (shared == null || ticker.read() - redisAgainAt < 0) {
            return Uni.createFrom().item(local.take(client, limit));
        }
        return shared.take(client, limit).ifNoItem().after(timeout).fail()
                .onFailure().recoverWithItem(failure -> {
                    redisAgainAt = ticker.read() + REDIS_BACKOFF.toNanos();
                    LOG.debugf("Rate limit check in Redis failed, counting in this pod for %s: %s", REDIS_BACKOFF,
                            failure.toString());
                    return local.take(client, limit);
                });
    }
}
