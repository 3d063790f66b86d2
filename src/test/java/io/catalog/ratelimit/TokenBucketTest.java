package io.catalog.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.github.benmanes.caffeine.cache.Ticker;

/** The per-pod token buckets, on a fake clock. */
class TokenBucketTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Ticker ticker = now::get;

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aBurstOfTwiceTheRateThenOneRequestPerRefilledToken() {
        Limit limit = Limit.of("reads", 10);
        TokenBucket bucket = new TokenBucket(limit, now.get());
        for (int i = 0; i < 20; i++) {
            assertThat(bucket.take(now.get()).allowed()).as("request %d of the burst", i + 1).isTrue();
        }
        Decision refused = bucket.take(now.get());
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterMillis()).isEqualTo(100);
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        advance(Duration.ofMillis(100));
        assertThat(bucket.take(now.get()).allowed()).isTrue();
        assertThat(bucket.take(now.get()).allowed()).isFalse();
    }

    @Test
    void anIdleBucketFillsUpToTheBurstAndNoMore() {
        TokenBucket bucket = new TokenBucket(Limit.of("checkout", 1), now.get());
        bucket.take(now.get());
        bucket.take(now.get());
        advance(Duration.ofHours(1));
        assertThat(bucket.take(now.get()).remaining()).isEqualTo(1);
        assertThat(bucket.take(now.get()).allowed()).isTrue();
        assertThat(bucket.take(now.get()).allowed()).isFalse();
    }

    @Test
    void clientsAndLimitsHaveTheirOwnBuckets() {
        LocalBuckets buckets = new LocalBuckets(100, Duration.ofSeconds(3), ticker);
        Limit checkout = Limit.of("checkout", 1);
        Limit reads = Limit.of("reads", 1);
        buckets.take("a", checkout);
        buckets.take("a", checkout);
        assertThat(buckets.take("a", checkout).allowed()).isFalse();
        assertThat(buckets.take("b", checkout).allowed()).isTrue();
        assertThat(buckets.take("a", reads).allowed()).isTrue();
    }

    @Test
    void thePerPodBucketsAreBoundedInNumberAndDroppedWhenIdle() {
        LocalBuckets buckets = new LocalBuckets(50, Duration.ofSeconds(3), ticker);
        Limit reads = Limit.of("reads", 1);
        for (int i = 0; i < 10_000; i++) {
            buckets.take("10.0." + (i / 256) + "." + (i % 256), reads);
        }
        assertThat(buckets.size()).isLessThanOrEqualTo(50);
        advance(Duration.ofSeconds(4));
        assertThat(buckets.size()).isZero();
    }

    @Test
    void theWindowIsTheTimeToRefillTheBurst() {
        assertThat(Limit.of("reads", 200).windowSeconds()).isEqualTo(2);
        assertThat(Limit.of("reads", 1).burst()).isEqualTo(2);
    }
}
