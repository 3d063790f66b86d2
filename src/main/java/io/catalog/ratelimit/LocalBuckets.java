package io.catalog.ratelimit;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The per-pod buckets, used while Redis is down or slow: at most {@code maxClients} of them (least recently used
 * go first), each dropped once idle long enough to have filled up again, when it is the same as a new one. A
 * client whose bucket is evicted early under a flood of addresses starts again with a full bucket: the bound on
 * memory wins over the precision of the limit.
 */
final class LocalBuckets {

    private final Cache<String, TokenBucket> buckets;
    private final Ticker ticker;

    LocalBuckets(long maxClients, Duration idle, Ticker ticker) {
        this.ticker = ticker;
        this.buckets = Caffeine.newBuilder().maximumSize(maxClients).expireAfterAccess(idle).ticker(ticker)
                .executor(Runnable::run).build();
    }

    Decision take(String client, Limit limit) {
        long now = ticker.read();
        return buckets.get(limit.name() + ' ' + client, k -> new TokenBucket(limit, now)).take(now);
    }

    long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}
