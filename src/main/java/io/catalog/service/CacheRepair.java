package io.catalog.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.L2Cache;
import io.catalog.events.OutboxRelay;
import io.catalog.model.Keys;
import io.catalog.model.Product;
import io.catalog.model.ProductUpdated;
import io.catalog.store.CounterStore;
import io.catalog.store.ProductStore;
import io.catalog.store.StoredProduct;
import io.catalog.support.Json;
import io.catalog.support.Tracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Re-publishes a product's current state to every tier, every pod and the edge: the repair of
 * {@code POST /admin/cache/products/{id}/refresh} and of the consistency checker.
 * <p>
 * The item is read strongly consistent and written back unchanged but for a <em>fresh sequence</em>, with a
 * ProductUpdated event of that sequence in its outbox (conditional on the sequence read, like any write), then
 * published by the relay as any write is: L2 is marked at the new sequence, every pod's feed raises its floors past
 * every cached copy (so L1 copies are dropped), and the purge feed purges the edge. A fresh sequence is what makes it
 * work for a change that bypassed the API (a console edit keeps the old sequence, so every tier would take its old
 * copy for current). The product's {@code version} is kept: nothing changed through the API. The L2 entry is deleted
 * first, so that even an entry that cannot be read (which would make the compare-and-set fail) is replaced.
 */
@ApplicationScoped
public class CacheRepair {

    private static final Logger LOG = Logger.getLogger(CacheRepair.class);

    private final ProductStore store;
    private final CounterStore counters;
    private final OutboxRelay relay;
    private final CacheCoherence coherence;
    private final L2Cache l2;
    private final Json json;
    private final Clock clock;
    private final Tracing tracing;
    private final Counter refreshes;

    public CacheRepair(ProductStore store, CounterStore counters, OutboxRelay relay, CacheCoherence coherence,
            L2Cache l2, Json json, Clock clock, Tracing tracing, MeterRegistry registry) {
        this.store = store;
        this.counters = counters;
        this.relay = relay;
        this.coherence = coherence;
        this.l2 = l2;
        this.json = json;
        this.clock = clock;
        this.tracing = tracing;
        this.refreshes = Counter.builder("catalog.cache.repairs")
                .description("Products re-published to every tier (admin refresh or consistency checker)")
                .register(registry);
    }

    /**
     * Re-publishes product {@code id} (a deleted one as deleted); {@code false} when the store has no such item. A
     * write that lands concurrently wins, and its own event does the same.
     */
    public Uni<Boolean> refresh(String id) {
        return store.read(id, true).chain(current -> {
            if (current.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            refreshes.increment();
            return l2.evict(Keys.product(id)).onFailure().recoverWithNull()
                    .chain(() -> counters.reserve(1))
                    .chain(sequence -> restamp(current.get(), sequence))
                    .replaceWith(true);
        });
    }

    private Uni<Void> restamp(StoredProduct current, long sequence) {
        Product p = current.product();
        Product next = new Product(p.id(), p.name(), p.category(), p.price(), p.currency(), p.version(),
                p.updatedAt(), sequence);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ProductUpdated event = ProductUpdated.of(p.id(), p.category(), p.version(), sequence, p.price(), p.price(),
                current.deleted(), now, null);
        StoredProduct written = current.with(next, current.deleted(), tracing.attach(json.write(event)));
        return store.write(written, Optional.of(current)).chain(ok -> {
            if (!ok) {
                LOG.debugf("Refresh of %s met a concurrent write, whose event re-publishes it", p.id());
                return Uni.createFrom().voidItem();
            }
            coherence.applyOwn(event);
            return relay.publish(List.of(written)).ifNoItem().after(Duration.ofSeconds(2)).fail()
                    .onFailure().invoke(f -> LOG.warnf("Publishing the refresh of %s failed; the relay will retry: %s",
                            p.id(), f.toString()))
                    .onFailure().recoverWithNull();
        });
    }
}
