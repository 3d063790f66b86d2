package io.catalog.health;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.catalog.cache.CacheCoherence;
import io.catalog.events.FeedConsumer;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * The cache tiers and the invalidation feed. Redis is a cache, so its loss never makes the pod unready: the check
 * stays UP and says {@code degraded}, while reads go to DynamoDB and L1 is bypassed until the feed is back.
 */
@Readiness
@ApplicationScoped
public class CacheReadiness implements AsyncHealthCheck {

    private final ReactiveRedisDataSource redis;
    private final FeedConsumer feed;
    private final CacheCoherence coherence;

    public CacheReadiness(ReactiveRedisDataSource redis, FeedConsumer feed, CacheCoherence coherence) {
        this.redis = redis;
        this.feed = feed;
        this.coherence = coherence;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return redis.execute("PING").ifNoItem().after(Duration.ofSeconds(1)).fail()
                .map(r -> true).onFailure().recoverWithItem(false)
                .map(redisUp -> HealthCheckResponse.named("cache").up()
                        .withData("redis", redisUp ? "up" : "down")
                        .withData("feed", feed.healthy() ? "reading" : "interrupted")
                        .withData("l1", coherence.l1Trusted() ? "trusted" : "bypassed")
                        .withData("l1Entries", coherence.l1().size())
                        .withData("state", redisUp && feed.healthy() ? "ok" : "degraded")
                        .build());
    }
}
