package io.catalog.events;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.ProductValues;
import io.catalog.model.Product;
import io.catalog.model.ProductUpdated;
import io.catalog.model.SummaryState;
import io.catalog.summary.SummaryCoherence;
import io.catalog.support.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;

/**
 * Applies what the feed read to this pod: each event's product version goes into L1 and raises its floors
 * ({@link CacheCoherence#apply}), the summaries' states it carries are heard ({@link SummaryCoherence#heard}), and
 * listeners of {@link Applied} events (live pages, the dashboard) are told. Times each event's propagation and the
 * feed's share of it. The {@link FeedConsumer} reads; this applies.
 */
@ApplicationScoped
public class FeedApplier {

    private static final Logger LOG = Logger.getLogger(FeedApplier.class);

    private final CacheCoherence coherence;
    private final SummaryCoherence summaries;
    private final ProductValues values;
    private final Json json;
    private final Event<ProductUpdated> appliedEvents;
    private final EventSpans spans;
    private final FeedMeters meters;

    public FeedApplier(CacheCoherence coherence, SummaryCoherence summaries, ProductValues values, Json json,
            @Applied Event<ProductUpdated> appliedEvents, EventSpans spans,
            MeterRegistry registry) {
        this.coherence = coherence;
        this.summaries = summaries;
        this.values = values;
        this.json = json;
        this.appliedEvents = appliedEvents;
        this.spans = spans;
        this.meters = new FeedMeters(registry);
    }

    /**
     * Applies the events of these entries, in order, under the L1 epoch read before they were read (an L1 flush
     * since then wins). Entries without an event are skipped; the caller decides what an unreadable one means.
     */
    void apply(List<FeedEntry> entries, long epoch) {
        Instant now = Instant.now();
        long nowMicros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
        for (FeedEntry entry : entries) {
            ProductUpdated event = entry.event();
            if (event == null) {
                continue;
            }
            Span span = spans == null ? null : spans.apply(event, entry.json());
            coherence.apply(event, values.of(event).orElse(null), epoch);
            summaries.heard(event, entry.summaries(), epoch);
            coherence.changed(); // a summary read since the event was counted may have taken the summary before it
            if (span != null) {
                span.end();
            }
            announce(event);
            Duration delay = Duration.between(event.occurredAt(), now);
            meters.propagation().record(delay.isNegative() ? Duration.ZERO : delay);
            meters.delivery().record(Math.max(0, nowMicros - entry.appendedAtMicros()), TimeUnit.MICROSECONDS);
            meters.applied().increment();
        }
    }

    private void announce(ProductUpdated event) {
        try {
            appliedEvents.fire(event);
        } catch (RuntimeException e) {
            LOG.warnf("A listener of applied events failed on %s: %s", event.productId(), e);
        }
    }

    /**
     * Runs the apply path's reading and rendering once, on a made-up event, before the first real one: an event
     * written and read back, the document it carries prepared, a summaries field read. Nothing is applied (no floor,
     * no L1 entry, no listener told). Without it the first event a fresh pod applied paid for class loading and
     * Jackson's (de)serializer construction, longer than the writer's 100 ms wait for it
     * ({@code catalog.events.ack-timeout}), so the first write after every pod start was counted as a timeout.
     */
    void prime() {
        try {
            Product product = new Product("prime", "prime", "prime", BigDecimal.ONE, "EUR", 1, Instant.EPOCH, 1);
            ProductUpdated event = json.read(json.write(ProductUpdated.of(product, null, false, null)),
                    ProductUpdated.class);
            values.of(event).ifPresent(CachedValue::body);
            event.tokens();
            json.read(json.write(List.of(new SummaryState("prime", 1, 1, 1, 1, 1))), SummaryState[].class);
        } catch (RuntimeException e) {
            LOG.debugf("Priming the feed's apply path failed (the first event pays for it): %s", e.toString());
        }
    }
}
