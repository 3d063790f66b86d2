package io.catalog.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.catalog.support.Futures;
import io.smallrye.mutiny.Uni;

/**
 * At most one load per key in flight in this pod: concurrent misses on a hot key share one load instead of
 * stampeding the tiers below. A caller that cancels does not cancel the load for the others.
 * <p>
 * Bounded: a slot lives only while its load runs, but a client inventing keys against a slow store could keep
 * any number of loads running, so at most {@code maximumSlots} are shared. Beyond that a load runs on its own,
 * unshared: correct (sharing is an optimisation), and the slots cannot grow the heap.
 */
public final class SingleFlight<T> {

    /** Default bound: far above the loads a pod can usefully have in flight. */
    public static final int DEFAULT_MAXIMUM_SLOTS = 10_000;

    private final ConcurrentHashMap<String, CompletableFuture<T>> inFlight = new ConcurrentHashMap<>();
    private final int maximumSlots;

    public SingleFlight() {
        this(DEFAULT_MAXIMUM_SLOTS);
    }

    public SingleFlight(int maximumSlots) {
        this.maximumSlots = maximumSlots;
    }

    /** Runs {@code work} for {@code key}, or joins the run already in flight. */
    public Uni<T> run(String key, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            if (inFlight.size() >= maximumSlots && !inFlight.containsKey(key)) {
                return work.get();
            }
            CompletableFuture<T> mine = new CompletableFuture<>();
            CompletableFuture<T> running = inFlight.putIfAbsent(key, mine);
            if (running != null) {
                return Futures.joined(running);
            }
            try {
                work.get().subscribe().with(
                        value -> finish(key, mine, () -> mine.complete(value)),
                        failure -> finish(key, mine, () -> mine.completeExceptionally(failure)));
            } catch (RuntimeException e) {
                finish(key, mine, () -> mine.completeExceptionally(e));
            }
            return Futures.joined(mine);
        });
    }

    private void finish(String key, CompletableFuture<T> mine, Runnable complete) {
        inFlight.remove(key, mine);
        complete.run();
    }

    /** Number of loads in flight (for tests and metrics). */
    public int inFlight() {
        return inFlight.size();
    }
}
