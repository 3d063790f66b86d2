package io.catalog.events;

import java.util.List;

import io.catalog.events.EventSink.OutboundEvent;
import io.catalog.store.StoredProduct;
import io.smallrye.mutiny.Uni;

/** Work that must be done before any pod hears of events: bringing the shared cache up to date. */
public interface BeforePublish {

    /**
     * @param items the items the events belong to, as last read
     * @param events the events, oldest first
     */
    Uni<Void> run(List<StoredProduct> items, List<OutboundEvent> events);
}
