package io.catalog.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of {@link SummaryReads}: L2 hits and misses of summaries (in {@code catalog.cache.requests} with every
 * other lookup), repairs into Redis, and summaries computed from the store.
 */
record SummaryMeters(Counter l2Hits, Counter l2Misses, Counter repairs, Counter fromStore) {

    SummaryMeters(MeterRegistry registry) {
        this(requests(registry, "hit"), requests(registry, "miss"),
                Counter.builder("catalog.summaries.repairs")
                        .description("Category summaries recomputed from the store into Redis (missing, settling,"
                                + " scheduled)")
                        .register(registry),
                Counter.builder("catalog.summaries.store.reads")
                        .description("Summaries computed from the store because Redis failed or may not include a"
                                + " change yet")
                        .register(registry));
    }

    private static Counter requests(MeterRegistry registry, String result) {
        return Counter.builder("catalog.cache.requests").tag("tier", "l2").tag("result", result)
                .description("Cache lookups per tier").register(registry);
    }
}
