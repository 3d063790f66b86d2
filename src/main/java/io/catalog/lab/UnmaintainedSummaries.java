package io.catalog.lab;

import java.util.Collections;
import java.util.List;

import io.catalog.model.ProductUpdated;
import io.catalog.summary.SummaryMaintainer;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * No summaries in Redis: the lab's designs without invalidation or without L2, whose summaries are computed from the
 * category's index and cached as one value. The relay's summary step does nothing and the stream entries carry none.
 */
public class UnmaintainedSummaries extends SummaryMaintainer {

    public UnmaintainedSummaries(MeterRegistry registry) {
        super(null, null, null, registry);
    }

    @Override
    public Uni<List<String>> maintain(List<ProductUpdated> events) {
        return Uni.createFrom().item(Collections.nCopies(events.size(), (String) null));
    }
}
