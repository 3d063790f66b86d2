package io.catalog.ratelimit;

/**
 * One client's bucket for one {@link Limit}, in this pod: it starts full ({@code burst} tokens), refills at
 * {@code rate} tokens a second, and each request takes one. The same arithmetic as {@link RedisBuckets#SCRIPT}.
 */
final class TokenBucket {

    private final Limit limit;
    private double tokens;
    private long at;

    TokenBucket(Limit limit, long nowNanos) {
        this.limit = limit;
        this.tokens = limit.burst();
        this.at = nowNanos;
    }

    synchronized Decision take(long nowNanos) {
        if (nowNanos > at) {
            tokens = Math.min(limit.burst(), tokens + (nowNanos - at) * limit.rate() / 1e9);
            at = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return Decision.allow((long) tokens);
        }
        return new Decision(false, 0, (long) Math.ceil((1 - tokens) * 1000 / limit.rate()));
    }
}
