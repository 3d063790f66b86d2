package io.catalog.events;

import java.util.ArrayList;
import java.util.List;

import io.catalog.model.ProductUpdated;
import io.catalog.store.Tables;

/**
 * The counters an event raises to its sequence ({@link OutboxRelay#raise}). In this design, {@link #MEMBERSHIP}: the
 * membership generation of each listing the change made a product join or leave (list pages' ids and the summaries'
 * store fallback are keyed by it); a price change raises none, so no item written per change caps a category's (or
 * the catalog's) rate of changes. The lab's baselines version their aggregates by generations and raise those too.
 */
@FunctionalInterface
public interface EventCounters {

    /** The membership generations of the listings {@code event} changed. */
    EventCounters MEMBERSHIP = event -> {
        List<String> names = new ArrayList<>(2);
        event.membershipListings().forEach(l -> names.add(Tables.membership(l)));
        return names;
    };

    /** The names of the counters {@code event} raises, in the counters table. */
    List<String> of(ProductUpdated event);
}
