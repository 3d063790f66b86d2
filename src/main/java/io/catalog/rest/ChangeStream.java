package io.catalog.rest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import io.catalog.config.CatalogConfig;
import io.catalog.events.Applied;
import io.catalog.events.FeedGap;
import io.catalog.events.FeedHistory;
import io.catalog.model.ProductUpdated;
import io.catalog.support.Json;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Vertx;

/**
 * The live price stream of this pod: every ProductUpdated its own feed applies ({@link Applied}) goes to the open
 * streams whose filter it matches, so a browser sees a change when this pod's caches do. A stream that resumes
 * ({@code Last-Event-ID}) first gets what the Redis stream still holds after that sequence ({@link FeedHistory});
 * live events arriving meanwhile wait (bounded) and are sent after it, without the ones the replay already sent.
 * A client that cannot keep up (its bounded buffer overflows) is disconnected: its EventSource reconnects with its
 * {@code Last-Event-ID} and catches up from the stream, or is told {@code event: reset}.
 */
@ApplicationScoped
public class ChangeStream {

    /** Events held for one stream (its replay in progress, or a slow reader) before it is disconnected. */
    static final int BUFFER = 512;

    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final FeedHistory history;
    private final Json json;
    private final String currency;
    private final Vertx vertx;
    private final long heartbeat;
    /** Stream entries a resuming client may be behind before it is told to reset (and refetches, one cheap read). */
    private final int replayWindow;

    public ChangeStream(FeedHistory history, Json json, CatalogConfig config, Vertx vertx, MeterRegistry registry) {
        this.history = history;
        this.json = json;
        this.currency = config.currency();
        this.vertx = vertx;
        this.replayWindow = config.live().replayWindow();
        this.heartbeat = vertx.setPeriodic(config.live().heartbeat().toMillis(),
                id -> subscriptions.forEach(Subscription::heartbeat));
        Gauge.builder("catalog.live.streams", subscriptions, Set::size)
                .description("Open live price streams (GET /events/products) on this pod").register(registry);
    }

    @PreDestroy
    void stop() {
        vertx.cancelTimer(heartbeat);
        subscriptions.forEach(s -> s.emitter.complete());
    }

    void applied(@Observes @Applied ProductUpdated event) {
        for (Subscription subscription : subscriptions) {
            if (subscription.filter.test(event)) {
                subscription.live(event);
            }
        }
    }

    /** This pod's feed skipped entries: every open stream may have missed a change, so each client starts over. */
    void gap(@Observes FeedGap gap) {
        subscriptions.forEach(Subscription::reset);
    }

    /**
     * The stream of changes matching {@code filter}, resuming after {@code lastEventId} when given.
     *
     * @param onClose called once when the stream ends, however it ends
     */
    Multi<OutboundSseEvent> open(Predicate<ProductUpdated> filter, OptionalLong lastEventId, Sse sse,
            Runnable onClose) {
        return Multi.createFrom().<OutboundSseEvent> emitter(emitter -> {
            Subscription subscription = new Subscription(filter, emitter, sse, lastEventId.isPresent());
            emitter.onTermination(() -> {
                subscriptions.remove(subscription);
                onClose.run();
            });
            emitter.emit(sse.newEventBuilder().comment("live prices").build());
            subscriptions.add(subscription);
            lastEventId.ifPresent(since -> history.since(since, filter, replayWindow).subscribe().with(
                    replay -> subscription.replayed(replay.events(), replay.complete()),
                    failure -> subscription.replayed(List.of(), false)));
        }, BUFFER);
    }

    /** One open stream: its filter and, while its replay runs, the live events that wait for it. */
    private final class Subscription {

        final Predicate<ProductUpdated> filter;
        final MultiEmitter<? super OutboundSseEvent> emitter;
        final Sse sse;
        private List<ProductUpdated> waiting;
        private final Set<Long> replayed = new HashSet<>();

        Subscription(Predicate<ProductUpdated> filter, MultiEmitter<? super OutboundSseEvent> emitter, Sse sse,
                boolean resuming) {
            this.filter = filter;
            this.emitter = emitter;
            this.sse = sse;
            this.waiting = resuming ? new ArrayList<>() : null;
        }

        synchronized void live(ProductUpdated event) {
            if (waiting != null) {
                if (waiting.size() >= BUFFER) {
                    emitter.fail(new IllegalStateException("replay too slow"));
                } else {
                    waiting.add(event);
                }
            } else if (!replayed.contains(event.sequence())) {
                send(event);
            }
        }

        synchronized void replayed(List<ProductUpdated> events, boolean complete) {
            if (!complete) {
                emitter.emit(sse.newEventBuilder().name("reset").data(String.class,
                        "{\"reason\":\"this stream no longer holds every change since the given Last-Event-ID\"}")
                        .build());
            }
            for (ProductUpdated event : events) {
                replayed.add(event.sequence());
                send(event);
            }
            List<ProductUpdated> held = waiting;
            waiting = null;
            for (ProductUpdated event : held) {
                if (!replayed.contains(event.sequence())) {
                    send(event);
                }
            }
        }

        synchronized void reset() {
            emitter.emit(sse.newEventBuilder().name("reset").data(String.class,
                    "{\"reason\":\"this instance's feed missed changes: read what the page shows again\"}").build());
        }

        synchronized void heartbeat() {
            emitter.emit(sse.newEventBuilder().comment("").build());
        }

        private void send(ProductUpdated event) {
            emitter.emit(sse.newEventBuilder().name("product").id(Long.toString(event.sequence()))
                    .data(String.class, json.write(LiveChange.of(event, currency))).build());
        }
    }
}
