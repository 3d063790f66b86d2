package io.catalog.support;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * As {@link FreshRuns}, for asynchronous work under a key: a caller gets the result of a run that began after it asked
 * (never one already under way, which may have looked at the world before what the caller must see), shared with every
 * caller who asked while the run before it was under way. Per key, one run under way and at most one waiting, whatever
 * the callers: what a burst of reads that must each be exact costs the store. A key is held only while it has a run;
 * beyond {@code maximumKeys} keys a caller runs its own. The work is a function of its key: the waiting run is the
 * first waiting caller's.
 */
public final class FreshFlights<T> {

    /** A key's run under way, and the one waiting for it. */
    private static final class Runs<T> {
        CompletableFuture<T> next;
        Supplier<Uni<T>> nextWork;
    }

    private final Map<String, Runs<T>> keys = new HashMap<>();
    private final int maximumKeys;

    public FreshFlights(int maximumKeys) {
        this.maximumKeys = maximumKeys;
    }

    /** The result of a run of {@code work} for {@code key} begun after this call (at subscription). */
    public Uni<T> run(String key, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            Executor resume = Futures.callerContext();
            CompletableFuture<T> answer;
            boolean launch = false;
            synchronized (keys) {
                Runs<T> runs = keys.get(key);
                if (runs == null && keys.size() >= maximumKeys) {
                    answer = null;
                } else if (runs == null) {
                    keys.put(key, new Runs<>());
                    answer = new CompletableFuture<>();
                    launch = true;
                } else {
                    if (runs.next == null) {
                        runs.next = new CompletableFuture<>();
                        runs.nextWork = work;
                    }
                    answer = runs.next;
                }
            }
            if (answer == null) {
                return work.get(); // beyond the bound of keys: its own run
            }
            if (launch) {
                launch(key, work, answer);
            }
            // joiners continue on their own contexts, not all on the one that completed the run
            return Futures.joined(answer).emitOn(resume);
        });
    }

    /** Keys with a run under way (for tests). */
    int keys() {
        synchronized (keys) {
            return keys.size();
        }
    }

    private void launch(String key, Supplier<Uni<T>> work, CompletableFuture<T> result) {
        Uni<T> run;
        try {
            run = work.get();
        } catch (RuntimeException e) {
            run = Uni.createFrom().failure(e);
        }
        run.subscribe().with(value -> finish(key, () -> result.complete(value)),
                failure -> finish(key, () -> result.completeExceptionally(failure)));
    }

    private void finish(String key, Runnable complete) {
        CompletableFuture<T> next;
        Supplier<Uni<T>> work;
        synchronized (keys) {
            Runs<T> runs = keys.get(key);
            next = runs.next;
            work = runs.nextWork;
            runs.next = null;
            runs.nextWork = null;
            if (next == null) {
                keys.remove(key);
            }
        }
        complete.run();
        if (next != null) {
            launch(key, work, next);
        }
    }
}
