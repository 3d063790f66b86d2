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

    private final RedisStreamSink stream;
    private final List<EventSink> others = new ArrayList<>();
    private EventBridgeAsyncClient eventBridge;

    public EventSinks(RedisStreamSink stream, CatalogConfig config) {
        this.stream = stream;
        config.events().eventbridge().bus().ifPresent(bus -> {
            LOG.infof("Events also go to EventBridge bus %s", bus);
            eventBridge = EventBridgeAsyncClient.builder().httpClientBuilder(AwsCrtAsyncHttpClient.builder()).build();
            others.add(new EventBridgeSink(eventBridge, bus, config.events().eventbridge().source()));
        });
    }

    /**
     * Publishes to every sink in turn, the Redis stream first; fails if any sink fails. The other sinks get the events
     * the stream took: not those it refused as late ({@link RedisStreamSink#append}), which are published again under
     * new sequences ({@code late}: appended all the same). Answers what the stream did.
     */
    public Uni<RedisStreamSink.Appending> publish(List<EventSink.OutboundEvent> events, boolean late) {
        return stream.append(events, late).call(appending -> {
            List<EventSink.OutboundEvent> taken = appending.late().isEmpty() ? events
                    : events.stream().filter(e -> !appending.late().contains(e.event().sequence())).toList();
            return Multi.createFrom().iterable(others)
                    .onItem().transformToUniAndConcatenate(sink -> sink.publish(taken))
                    .collect().last();
        });
    }

    @PreDestroy
    void close() {
        if (eventBridge != null) {
            eventBridge.close();
        }
    }
}
