package io.catalog.events;

import java.util.List;

import io.catalog.model.ProductUpdated;
import io.smallrye.mutiny.Uni;

/**
 * A destination of published events. Delivery is at least once: the relay retries a batch until every sink
 * accepted it, so a sink may see an event twice and consumers de-duplicate by {@code sequence}.
 */
public interface EventSink {

    /** Publishes events, oldest first; the Uni fails when they must be retried. */
    Uni<Void> publish(List<OutboundEvent> events);

    /**
     * An event ready to publish.
     *
     * @param event the parsed event
     * @param json its document, exactly as stored in the outbox
     * @param summaries the summaries of its categories after its publish ({@code SummaryMaintainer}), as JSON, or
     *        {@code null}; only the Redis stream carries them (field {@code summaries})
     */
    record OutboundEvent(ProductUpdated event, String json, String summaries) {

        public OutboundEvent(ProductUpdated event, String json) {
            this(event, json, null);
        }
    }
}
