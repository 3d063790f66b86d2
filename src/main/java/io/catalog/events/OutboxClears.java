package io.catalog.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.store.ProductStore;
import io.catalog.store.StoredProduct;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The clearing of events a writer's publish handed to every sink, deferred by {@link #DELAY}: a write of the same item
 * by this pod meanwhile removes them in its own conditional UpdateItem ({@link #of}, {@link #removed}), so a product
 * changed again and again costs one DynamoDB write per change, not two. What no write took is cleared by a write of its
 * own once the delay has passed, as every publish's clear was before. Only events this pod published are ever named
 * here, so a write never removes an event that a sink has not received; a clear that fails, or a pod that stops before
 * it, leaves the events to the relay's sweep, which publishes them again (sinks de-duplicate by sequence); a pod that
 * stops cleanly clears what is waiting first, for up to {@link #STOP_WAIT}.
 * <p>
 * Bounded: beyond {@link #MAX_ITEMS} items waiting, a publish's events are cleared at once. Metric
 * {@code catalog.outbox.clears}, tagged {@code by}: {@code write} (removed by the item's next write) or {@code clear}
 * (a write of its own).
 */
@ApplicationScoped
public class OutboxClears {

    private static final Logger LOG = Logger.getLogger(OutboxClears.class);
    static final Duration DELAY = Duration.ofMillis(500);
    static final int MAX_ITEMS = 10_000;
    static final int CONCURRENCY = 16;
    /** How long a stopping pod waits for the clears of what it published ({@link #stop}). */
    static final Duration STOP_WAIT = Duration.ofSeconds(10);

    /** Published sequences of one item waiting to be cleared, since this pod's ticker read {@code since}. */
    record Waiting(Set<Long> sequences, long since) {
    }

    private final ProductStore store;
    private final ScheduledExecutorService scheduler;
    private final Ticker ticker;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

    /** A clear under way: its item and the sequences it removes (identity: two equal clears are two). */
    private static final class Going {
        final String id;
        final Set<Long> sequences;

        Going(String id, Set<Long> sequences) {
            this.id = id;
            this.sequences = sequences;
        }
    }

    /** The clears under way, by item: tracked from the moment they are taken until each ends, however it ends. */
    private final Map<String, List<Going>> inFlight = new HashMap<>();
    /**
     * Sequences this pod cleared lately, by item: a sweep that read an item before its clear ended holds a snapshot
     * with them still pending, and must not publish them again.
     */
    private final Cache<String, Set<Long>> clearedLately = Caffeine.newBuilder().maximumSize(MAX_ITEMS)
            .expireAfterWrite(Duration.ofMinutes(1)).build();
    /** Clears under way in the background, until each is done ({@link #stop} waits for them). */
    private final Set<CompletableFuture<Void>> clearing = ConcurrentHashMap.newKeySet();
    private final Counter byWrite;
    private final Counter byClear;
    private ScheduledFuture<?> flushes;

    public OutboxClears(ProductStore store, ScheduledExecutorService scheduler, Ticker ticker, MeterRegistry registry) {
        this.store = store;
        this.scheduler = scheduler;
        this.ticker = ticker;
        this.byWrite = Counter.builder("catalog.outbox.clears").tag("by", "write")
                .description("Published events removed from an outbox by the item's next write").register(registry);
        this.byClear = Counter.builder("catalog.outbox.clears").tag("by", "clear")
                .description("Published events removed from an outbox by a write of its own").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        long period = DELAY.toNanos() / 2;
        flushes = scheduler.scheduleWithFixedDelay(() -> flush(DELAY.toNanos()), period, period, TimeUnit.NANOSECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (flushes != null) {
            flushes.cancel(false);
        }
        stop(STOP_WAIT);
    }

    /**
     * Clears everything waiting now, each with a write of its own, and waits up to {@code wait} for it and for the clears
     * still under way: a pod that stops leaves no published event in an outbox for another pod's sweep to publish
     * again (after a bulk load, thousands; where Redis lost the markers meanwhile, appended to the stream a second
     * time). What is not cleared in time, or fails, is left to the sweep.
     */
    void stop(Duration wait) {
        flush(0);
        CompletableFuture<?>[] running = clearing.toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(running).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException late) {
            LOG.infof("Stopping with clears not done in %s: the sweep publishes their events again", wait);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The pending events of these items were handed to every sink: clear them (deferred). */
    public void published(List<StoredProduct> items) {
        long now = ticker.read();
        for (StoredProduct item : items) {
            Set<Long> sequences = item.pendingSequences();
            if (sequences.isEmpty()) {
                continue;
            }
            if (waiting.size() >= MAX_ITEMS && !waiting.containsKey(item.id())) {
                clearInBackground(List.of(Map.entry(item.id(), sequences)));
                continue;
            }
            waiting.merge(item.id(), new Waiting(Set.copyOf(sequences), now), (held, added) -> {
                Set<Long> union = new HashSet<>(held.sequences());
                union.addAll(added.sequences());
                return new Waiting(Set.copyOf(union), held.since());
            });
        }
    }

    /**
     * Whether this pod published every one of {@code sequences} (events of item {@code id}) and is to clear them, is
     * clearing them, or cleared them within the last minute: the relay's sweep leaves such an item alone (a bulk load's clears
     * can lag its writes by more
     * than the sweep's grace, and the sweep published thousands of its events a second time).
     */
    public boolean clearing(String id, Set<Long> sequences) {
        Waiting held = waiting.get(id);
        Set<Long> done = clearedLately.getIfPresent(id);
        List<Going> going;
        synchronized (inFlight) {
            going = List.copyOf(inFlight.getOrDefault(id, List.of()));
        }
        for (Long sequence : sequences) {
            if (!(held != null && held.sequences().contains(sequence)) && !(done != null && done.contains(sequence))
                    && going.stream().noneMatch(g -> g.sequences.contains(sequence))) {
                return false;
            }
        }
        return !sequences.isEmpty();
    }

    private Going track(String id, Set<Long> sequences) {
        Going going = new Going(id, sequences);
        synchronized (inFlight) {
            inFlight.computeIfAbsent(id, key -> new ArrayList<>(1)).add(going);
        }
        return going;
    }

    private void untrack(Going going) {
        synchronized (inFlight) {
            List<Going> held = inFlight.get(going.id);
            if (held != null && held.remove(going) && held.isEmpty()) {
                inFlight.remove(going.id);
            }
        }
    }

    /** The published events of item {@code id} that a write of it may remove along with its change. */
    public Set<Long> of(String id) {
        Waiting held = waiting.get(id);
        return held == null ? Set.of() : held.sequences();
    }

    /** A write of item {@code id} removed these published events from its outbox. */
    public void removed(String id, Set<Long> sequences) {
        if (sequences.isEmpty()) {
            return;
        }
        byWrite.increment(sequences.size());
        waiting.computeIfPresent(id, (key, held) -> {
            Set<Long> rest = new HashSet<>(held.sequences());
            rest.removeAll(sequences);
            return rest.isEmpty() ? null : new Waiting(Set.copyOf(rest), held.since());
        });
    }

    /**
     * Clears the pending events of these items now, each with a write of its own (the relay's sweep, which waits for
     * it); a failure fails the whole.
     */
    public Uni<Void> clear(List<StoredProduct> items) {
        return clearAll(items.stream().map(i -> Map.entry(i.id(), i.pendingSequences())).toList(), false);
    }

    /** Clears, each with a write of its own, what has waited {@code delayNanos}; failures are left to the sweep. */
    void flush(long delayNanos) {
        List<Map.Entry<String, Set<Long>>> taken = take(delayNanos);
        if (!taken.isEmpty()) {
            clearInBackground(taken);
        }
    }

    /** Takes out what has waited {@code delayNanos}. */
    private List<Map.Entry<String, Set<Long>>> take(long delayNanos) {
        long now = ticker.read();
        return waiting.entrySet().stream()
                .filter(e -> now - e.getValue().since() >= delayNanos)
                .filter(e -> waiting.remove(e.getKey(), e.getValue()))
                .map(e -> Map.entry(e.getKey(), e.getValue().sequences())).toList();
    }

    private void clearInBackground(List<Map.Entry<String, Set<Long>>> items) {
        CompletableFuture<Void> done = clearAll(items, true)
                .onFailure().invoke(failure -> LOG.debugf("Clearing outboxes failed: %s", failure.toString()))
                .onFailure().recoverWithNull().subscribeAsCompletionStage();
        clearing.add(done);
        done.whenComplete((ok, failed) -> clearing.remove(done));
    }

    /** One write per item, {@link #CONCURRENCY} at a time; {@code forgiving}: a failed one is logged and skipped. */
    private Uni<Void> clearAll(List<Map.Entry<String, Set<Long>>> items, boolean forgiving) {
        // tracked from now, not from each clear's turn: the sweep leaves them alone while they wait for it
        List<Going> tracked = items.stream().map(e -> track(e.getKey(), e.getValue())).toList();
        return Multi.createFrom().iterable(tracked)
                .onItem().transformToUni(going -> {
                    Uni<Void> cleared = store.clearOutbox(going.id, List.copyOf(going.sequences))
                            .invoke(() -> {
                                byClear.increment(going.sequences.size());
                                clearedLately.asMap().merge(going.id, going.sequences, OutboxClears::union);
                            })
                            .onTermination().invoke(() -> untrack(going));
                    return forgiving ? cleared.onFailure().recoverWithItem(failure -> {
                        LOG.debugf("Clearing the outbox of %s failed; the sweep publishes it again: %s", going.id,
                                failure.toString());
                        return null;
                    }) : cleared;
                })
                .merge(CONCURRENCY)
                .collect().last().replaceWithVoid()
                // whatever did not get its turn (a failure, a cancellation) is no longer under way
                .onTermination().invoke(() -> tracked.forEach(this::untrack));
    }

    private static Set<Long> union(Set<Long> a, Set<Long> b) {
        Set<Long> union = new HashSet<>(a);
        union.addAll(b);
        return Set.copyOf(union);
    }

}
