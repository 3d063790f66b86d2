package io.catalog.edge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.config.CatalogConfig;
import io.catalog.model.ProductUpdated;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Turns ProductUpdated events into batched edge purges.
 *
 * <p>
 * Each event contributes its surrogate keys ({@code product-{id}}, {@code category-{c}}, the previous category
 * when it moved, and {@code products}). The first events after a quiet period ({@code catalog.edge.purge.window}
 * without a flush) are purged at once: an isolated change reaches the edge in the time of one PURGE, not a window
 * later. What follows within the window is collected in a set and purged when the window ends (one flush per window
 * at most), so a bulk update of a thousand products in one category becomes a few batches of distinct keys instead
 * of a thousand purges of {@code category-…}.
 *
 * <p>
 * A purge at once (or at the end of a window) cannot promise that the edge refetches the new version: a pod that
 * has not yet applied an event when the edge refetches would hand the edge the old version for a whole
 * {@code max-age}. So every batch is purged again once
 * {@code catalog.edge.purge.settle} has passed (by default the feed's staleness bound: by then every pod has either
 * applied the event or stopped trusting its L1, and L2 was updated before the event was published). Targets billed
 * per purge (CloudFront) are purged only then, once; cheap ones (Varnish) both right away and then. A settle time
 * of zero purges every target once, at once or at the end of the window.
 *
 * <p>
 * Nothing here blocks its caller: {@link #submit} adds keys and at most starts asynchronous purges; the window and the settle
 * time are timers of Quarkus' scheduler (Vert.x timers), flushes only start asynchronous purges, and every target is
 * asynchronous. A target that fails is retried with exponential
 * backoff ({@code catalog.edge.purge.retries}); the stage then completes with {@code false} and the caller (the
 * {@link PurgeFeed}) leaves the events unacknowledged, to be claimed and purged again later. Admin writes never
 * wait for any of this: they only append to the Redis stream.
 */
@ApplicationScoped
public class EdgePurger {

    private static final Logger LOG = Logger.getLogger(EdgePurger.class);
    /** The shortest delay handed to the scheduler: Vert.x timers refuse delays under 1 ms. */
    static final Duration MIN_TIMER = Duration.ofMillis(1);

    private final List<EdgeTarget> targets;
    private final Duration window;
    private final int retries;
    private final Duration backoff;
    private final Duration settle;
    private final DistributionSummary batchKeys;
    private final ScheduledExecutorService scheduler;
    private final Ticker ticker;
    private final Object lock = new Object();
    private Set<String> keys = new LinkedHashSet<>();
    private List<CompletableFuture<Boolean>> waiters = new ArrayList<>();
    private boolean scheduled;
    /** When the last flush started ({@link #ticker} time), or {@code null} before the first. */
    private Long lastFlush;

    @Inject
    public EdgePurger(EdgeTargets targets, CatalogConfig config, ScheduledExecutorService scheduler, Ticker ticker,
            MeterRegistry registry) {
        this(targets.all(), config.edge().purge().window(), config.edge().purge().retries(),
                config.edge().purge().retryBackoff(),
                config.edge().purge().settle().orElse(config.events().feedStaleAfter()), scheduler, ticker, registry);
    }

    /** A purger whose quiet periods are measured by the system clock. */
    public EdgePurger(List<EdgeTarget> targets, Duration window, int retries, Duration backoff, Duration settle,
            ScheduledExecutorService scheduler, MeterRegistry registry) {
        this(targets, window, retries, backoff, settle, scheduler, Ticker.systemTicker(), registry);
    }

    /** @param ticker the clock of quiet periods: the scheduler's, so that tests can move both */
    public EdgePurger(List<EdgeTarget> targets, Duration window, int retries, Duration backoff, Duration settle,
            ScheduledExecutorService scheduler, Ticker ticker, MeterRegistry registry) {
        this.targets = List.copyOf(targets);
        this.ticker = ticker;
        this.window = window;
        this.retries = retries;
        this.backoff = backoff;
        // Vert.x timers refuse delays under 1 ms: a settle time that short is none
        this.settle = settle.compareTo(MIN_TIMER) < 0 ? Duration.ZERO : settle;
        this.batchKeys = DistributionSummary.builder("catalog.edge.purge.keys")
                .description("Distinct surrogate keys per purged batch").register(registry);
        this.scheduler = scheduler;
    }

    /** Whether any edge target is configured. */
    public boolean enabled() {
        return !targets.isEmpty();
    }

    /** The surrogate keys an event invalidates. */
    public static Set<String> keysOf(ProductUpdated event) {
        return new LinkedHashSet<>(event.surrogateKeys());
    }

    /**
     * Purges the keys of {@code events} now if the purger has been quiet for a window, else adds them to the batch
     * that is purged when the current window ends. Never blocks: a purge only starts asynchronous requests.
     *
     * @return completes with {@code true} once every target has purged them, {@code false} if one gave up
     */
    public CompletionStage<Boolean> submit(List<ProductUpdated> events) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        if (targets.isEmpty() || events.isEmpty()) {
            done.complete(true);
            return done;
        }
        long wait;
        synchronized (lock) {
            events.forEach(event -> keys.addAll(keysOf(event)));
            waiters.add(done);
            if (scheduled) {
                return done;
            }
            long now = ticker.read();
            wait = lastFlush == null ? 0 : lastFlush + window.toNanos() - now;
            scheduled = wait > 0;
            if (!scheduled) {
                lastFlush = now; // a submit racing this one waits for the window instead of flushing too
            }
        }
        if (wait > 0) {
            // the window of the last flush is still open: these keys wait for its end, with whatever follows
            scheduler.schedule(this::flush, Math.max(wait, MIN_TIMER.toNanos()), TimeUnit.NANOSECONDS);
        } else {
            flush();
        }
        return done;
    }

    private void flush() {
        Set<String> batch;
        List<CompletableFuture<Boolean>> done;
        synchronized (lock) {
            batch = keys;
            done = waiters;
            keys = new LinkedHashSet<>();
            waiters = new ArrayList<>();
            scheduled = false;
            lastFlush = ticker.read();
        }
        if (batch.isEmpty()) {
            done.forEach(f -> f.complete(true));
            return;
        }
        batchKeys.record(batch.size());
        Set<String> frozen = Set.copyOf(batch);
        List<EdgeTarget> early = settle.isZero() ? List.of()
                : targets.stream().filter(EdgeTarget::purgeEarly).toList();
        Uni<Boolean> late = settle.isZero() ? purgeAll(targets, frozen)
                : Uni.createFrom().voidItem().onItem().delayIt().onExecutor(scheduler).by(settle)
                        .chain(() -> purgeAll(targets, frozen));
        purgeAll(early, frozen).chain(ok -> late.map(lateOk -> ok && lateOk))
                .subscribe().with(ok -> done.forEach(f -> f.complete(ok)),
                        failure -> done.forEach(f -> f.complete(false)));
    }

    private Uni<Boolean> purgeAll(List<EdgeTarget> chosen, Set<String> batch) {
        if (chosen.isEmpty()) {
            return Uni.createFrom().item(true);
        }
        return Uni.join().all(chosen.stream().map(target -> purge(target, batch)).toList()).andCollectFailures()
                .map(results -> results.stream().allMatch(Boolean::booleanValue));
    }

    private Uni<Boolean> purge(EdgeTarget target, Set<String> batch) {
        Uni<Void> purge = target.purge(batch);
        if (retries > 0) {
            purge = purge.onFailure().retry().withBackOff(backoff, backoff.multipliedBy(1L << Math.min(retries, 10)))
                    .atMost(retries);
        }
        return purge.replaceWith(true).onFailure().recoverWithItem(failure -> {
            LOG.warnf("Edge purge of %d keys on %s failed after %d retries: %s", batch.size(), target.name(),
                    retries, failure.toString());
            return false;
        });
    }
}
