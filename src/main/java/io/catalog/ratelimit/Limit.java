package io.catalog.ratelimit;

import io.catalog.config.CatalogConfig;

/**
 * A class of requests with its own token bucket per client: {@code rate} tokens a second, up to {@code burst}
 * (twice the rate) saved up.
 */
public record Limit(String name, int rate, int burst) {

    /** Public reads: products, lists, summaries, HTML pages, the event stream, unknown paths. */
    public static Limit reads(CatalogConfig.RateLimit config) {
        return of("reads", config.readsPerSecond());
    }

    /** Checkout quotes: each is a strongly consistent read of up to 100 items. */
    public static Limit checkout(CatalogConfig.RateLimit config) {
        return of("checkout", config.checkoutPerSecond());
    }

    /** Admin requests, authenticated or not (a wrong token costs as much as a right one). */
    public static Limit admin(CatalogConfig.RateLimit config) {
        return of("admin", config.adminPerSecond());
    }

    /** A limit of {@code rate} requests a second with bursts of twice that. */
    public static Limit of(String name, int rate) {
        return new Limit(name, rate, 2 * rate);
    }

    /** Seconds an empty bucket takes to fill up again: the window of {@code RateLimit-Policy}. */
    public long windowSeconds() {
        return Math.max(1, (burst + rate - 1) / rate);
    }
}
