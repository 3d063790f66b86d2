package io.catalog.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code catalog.edge.purges}: purge requests sent to edge targets (one {@code PURGE} request, one CloudFront
 * invalidation), tagged by {@code target} and {@code outcome}: {@code success}, {@code failure}, or
 * {@code over-budget} for a batch (partly) dropped because the monthly CloudFront budget was used up.
 */
final class PurgeMetrics {

    static final String PURGES = "catalog.edge.purges";
    static final String SUCCESS = "success";
    static final String FAILURE = "failure";
    static final String OVER_BUDGET = "over-budget";

    private final MeterRegistry registry;
    private final String target;

    PurgeMetrics(MeterRegistry registry, String target) {
        this.registry = registry;
        this.target = target;
    }

    void count(String outcome) {
        Counter.builder(PURGES).description("Purge requests sent to edge caches").tag("target", target)
                .tag("outcome", outcome).register(registry).increment();
    }
}
