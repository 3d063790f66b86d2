package io.catalog.lab;

import java.util.ArrayList;
import java.util.List;

import io.catalog.events.EventCounters;
import io.catalog.model.ProductUpdated;
import io.catalog.store.Tables;

/**
 * The counters of the lab's baselines, whose pages and summaries are one cached value versioned by a generation: the
 * membership generations as in the full design, and the generation of each category the event touched and the whole
 * catalog's.
 */
public class GenerationCounters implements EventCounters {

    @Override
    public List<String> of(ProductUpdated event) {
        List<String> names = new ArrayList<>(MEMBERSHIP.of(event));
        event.categories().forEach(c -> names.add(Tables.categoryGeneration(c)));
        names.add(Tables.catalogGeneration());
        return names;
    }
}
