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

    /** The Redis incarnation a publish starts in ({@link RedisStreamSink#incarnation}), before it writes anything. */
    public String incarnation() {
        return stream.incarnation();
    }

    /**
     * Publishes to every sink in turn, the Redis stream first (only while Redis is still the incarnation
     * {@code startedIn}); fails if any sink fails. Answers where the newest of the events is in the stream
     * ({@link RedisStreamSink#append}), or {@code null} when it is not known.
     */
    public Uni<Appended> publish(List<EventSink.OutboundEvent> events, String startedIn) {
        return stream.append(events, startedIn).call(id -> Multi.createFrom().iterable(others)
                .onItem().transformToUniAndConcatenate(sink -> sink.publish(events))
                .collect().last());
    }

    @PreDestroy
    void close() {
        if (eventBridge != null) {
            eventBridge.close();
        }
    }
}
