package io.catalog.events;

import java.util.List;

import org.jboss.logging.Logger;

import io.catalog.model.ProductUpdated;
import io.catalog.support.Futures;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Sends events to an Amazon EventBridge bus ({@code catalog.events.eventbridge.bus}) as entries with detail-type
 * {@code ProductUpdated}, ten per PutEvents call (the API's limit). A call with failed entries fails the batch,
 * which the relay retries: EventBridge consumers see each event at least once and de-duplicate by sequence.
 */
public class EventBridgeSink implements EventSink {

    private static final Logger LOG = Logger.getLogger(EventBridgeSink.class);
    static final int ENTRIES_PER_CALL = 10;

    private final EventBridgeAsyncClient client;
    private final String bus;
    private final String source;

    public EventBridgeSink(EventBridgeAsyncClient client, String bus, String source) {
        this.client = client;
        this.bus = bus;
        this.source = source;
    }

    @Override
    public Uni<Void> publish(List<OutboundEvent> events) {
        int calls = (events.size() + ENTRIES_PER_CALL - 1) / ENTRIES_PER_CALL;
        return Multi.createFrom().range(0, calls)
                .onItem().transformToUniAndConcatenate(i -> put(events.subList(i * ENTRIES_PER_CALL,
                        Math.min(events.size(), (i + 1) * ENTRIES_PER_CALL))))
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> put(List<OutboundEvent> chunk) {
        PutEventsRequest request = PutEventsRequest.builder().entries(chunk.stream().map(this::entry).toList()).build();
        return Futures.uni(() -> client.putEvents(request)).invoke(this::check).replaceWithVoid();
    }

    PutEventsRequestEntry entry(OutboundEvent e) {
        return PutEventsRequestEntry.builder().eventBusName(bus).source(source).detailType(ProductUpdated.TYPE)
                .resources(List.of()).detail(e.json()).build();
    }

    private void check(PutEventsResponse response) {
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            LOG.warnf("EventBridge refused %d entries; the batch will be retried", response.failedEntryCount());
            throw new IllegalStateException("EventBridge refused " + response.failedEntryCount() + " entries");
        }
    }
}
