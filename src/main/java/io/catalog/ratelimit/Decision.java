package io.catalog.ratelimit;

/**
 * The answer to one rate limit check: whether the request may go on, how many requests the client has left right
 * now, and, when refused, how long until the next one is allowed.
 */
public record Decision(boolean allowed, long remaining, long retryAfterMillis) {

    static Decision allow(long remaining) {
        return new Decision(true, remaining, 0);
    }

    /** {@code Retry-After} in whole seconds, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfterMillis + 999) / 1000);
    }
}
