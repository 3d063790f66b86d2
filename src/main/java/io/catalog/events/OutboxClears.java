package io.catalog.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.catalog.config.CatalogConfig;
import io.catalog.store.ProductStore;
import io.catalog.store.StoredProduct;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Removes published events from their items' outboxes, a little later and preferably for free: the next write of
 * this pod to the same item within {@code catalog.events.relay-interval} takes them ({@link #take}) and removes them
 * in its own conditional write, so an item repriced again and again costs one DynamoDB write per change instead of
 * two; otherwise a write of their own clears them once that interval has passed ({@link ProductStore#clearOutbox}).
 * A clear that fails, or never comes (the pod stopped), leaves the events to the relay's sweep, which publishes them
 * again (sinks de-duplicate by sequence) and clears them. Bounded: past {@link #MAX_ITEMS} items waiting, they are
 * cleared at once.
 */
@ApplicationScoped
public class OutboxClears {

    private static final Logger LOG = Logger.getLogger(OutboxClears.class);
    static final int MAX_ITEMS = 10_000;

    private final ProductStore store;
    private final ScheduledExecutorService scheduler;
    private final long delayNanos;
    /** Item id to the sequences of its events published by this pod and not cleared yet. */
    private final Map<String, Set<Long>> waiting = new ConcurrentHashMap<>();
    private final Counter folded;
    /** What to do when a clear fails: the relay sweeps sooner. */
    private volatile Runnable failed = () -> {
    };

    @Inject
    public OutboxClears(ProductStore store, ScheduledExecutorService scheduler, CatalogConfig config,
            MeterRegistry registry) {
        this(store, scheduler, config.events().relayInterval(), registry);
    }

    OutboxClears(ProductStore store, ScheduledExecutorService scheduler, Duration delay, MeterRegistry registry) {
        this.store = store;
        this.scheduler = scheduler;
        this.delayNanos = delay.toNanos();
        this.folded = Counter.builder("catalog.outbox.clears.folded")
                .description("Published events removed from their outbox by the next write to the item, not by a"
                        + " write of their own")
                .register(registry);
    }

    /** Runs {@code action} whenever a clear fails (the relay: sweep sooner). */
    void whenClearFails(Runnable action) {
        this.failed = action;
    }

    /** The relay published every pending event of these items: clear them after the delay, unless a write takes them. */
    public void published(List<StoredProduct> items) {
        for (StoredProduct item : items) {
            Set<Long> sequences = new TreeSet<>();
            item.outbox().forEach(e -> sequences.add(e.sequence()));
            if (!sequences.isEmpty()) {
                add(item.id(), sequences);
            }
        }
        if (waiting.size() > MAX_ITEMS) {
            List.copyOf(waiting.keySet()).forEach(this::clear);
        }
    }

    /**
     * Takes the published events of item {@code id} waiting to be cleared: a write about to be made to it removes
     * them itself. Give them back ({@link #giveBack}) when that write does not land.
     */
    public List<Long> take(String id) {
        Set<Long> sequences = waiting.remove(id);
        return sequences == null ? List.of() : new ArrayList<>(sequences);
    }

    /** A write that took these did not land: they are cleared after the delay, as before. */
    public void giveBack(String id, List<Long> sequences) {
        if (!sequences.isEmpty()) {
            add(id, new TreeSet<>(sequences));
        }
    }

    /** A write that took these landed: they are gone from the item. */
    public void removedBy(List<Long> sequences) {
        folded.increment(sequences.size());
    }

    private void add(String id, Set<Long> sequences) {
        boolean first = waiting.merge(id, sequences, (a, b) -> {
            Set<Long> both = new TreeSet<>(a);
            both.addAll(b);
            return both;
        }) == sequences;
        if (first) {
            scheduler.schedule(() -> clear(id), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void clear(String id) {
        Set<Long> sequences = waiting.remove(id);
        if (sequences == null) {
            return; // a write took them, or an earlier clear did
        }
        store.clearOutbox(id, new ArrayList<>(sequences)).subscribe().with(done -> {
        }, failure -> {
            failed.run();
            LOG.debugf("Clearing published outbox events of %s failed; the sweep publishes them again: %s", id,
                    failure.toString());
        });
    }

    /** Clears what waits when the application stops (what does not make it is left to the sweep). */
    void onStop(@Observes ShutdownEvent event) {
        List.copyOf(waiting.keySet()).forEach(this::clear);
    }

    /** How many items wait for a clear (tests). */
    int waiting() {
        return waiting.size();
    }

}
