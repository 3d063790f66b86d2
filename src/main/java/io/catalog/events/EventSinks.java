package io.catalog.events;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.catalog.config.CatalogConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeAsyncClient;

/** Every configured destination of events: always the Redis stream, and EventBridge when a bus is set. */
@ApplicationScoped
public class EventSinks {

    private static final Logger LOG = Logger.getLogger(EventSinks.class);

    private final List<EventSink> sinks = new ArrayList<>();
    private EventBridgeAsyncClient eventBridge;

    public EventSinks(RedisStreamSink stream, CatalogConfig config) {
        sinks.add(stream);
        config.events().eventbridge().bus().ifPresent(bus -> {
            LOG.infof("Events also go to EventBridge bus %s", bus);
            eventBridge = EventBridgeAsyncClient.builder().httpClientBuilder(AwsCrtAsyncHttpClient.builder()).build();
            sinks.add(new EventBridgeSink(eventBridge, bus, config.events().eventbridge().source()));
        });
    }

    /** Publishes to every sink in turn; fails if any sink fails. */
    public Uni<Void> publish(List<EventSink.OutboundEvent> events) {
        return Multi.createFrom().iterable(sinks)
                .onItem().transformToUniAndConcatenate(sink -> sink.publish(events))
                .collect().last().replaceWithVoid();
    }

    @PreDestroy
    void close() {
        if (eventBridge != null) {
            eventBridge.close();
        }
    }
}
