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
 * when it moved, and {@code products}). Keys are collected in a set for one window ({@code catalog.edge.purge.window},
 * opened by the first key after a flush), so a bulk update of a thousand products in one category becomes one batch of
 * about a thousand distinct keys instead of a thousand purges of {@code category-…}. The window also lets every pod
 * apply the event to its own tiers before the edge refetches from any of them.
 *
 * <p>
 * The window alone cannot promise that: a pod that has not yet applied an event when the edge refetches would
 * hand the edge the old version for a whole {@code max-age}. So every batch is purged again once
 * {@code catalog.edge.purge.settle} has passed (by default the feed's staleness bound: by then every pod has either
 * applied the event or stopped trusting its L1, and L2 was updated before the event was published). Targets billed
 * per purge (CloudFront) are purged only then, once; cheap ones (Varnish) both right away and then. A settle time
 * of zero purges every target once, right after the window.
 *
 * <p>
 * Nothing here blocks its caller: {@link #submit} only adds keys and returns a stage; the window and the settle
 * time are timers of Quarkus' scheduler (Vert.x timers), flushes only start asynchronous purges, and every target is
 * asynchronous. A target that fails is retried with exponential
 * backoff ({@code catalog.edge.purge.retries}); the stage then completes with {@code false} and the caller (the
 * {@link PurgeFeed}) leaves the events unacknowledged, to be claimed and purged again later. Admin writes never
 * wait for any of this: they only append to the Redis stream.
 */
@ApplicationScoped
public class EdgePurger {

    private static final Logger LOG = Logger.getLogger(EdgePurger.class);

    private final List<EdgeTarget> targets;
    private final Duration window;
    private final int retries;
    private final Duration backoff;
    private final Duration settle;
    private final DistributionSummary batchKeys;
    private final ScheduledExecutorService scheduler;
    private final Object lock = new Object();
    private Set<String> keys = new LinkedHashSet<>();
    private List<CompletableFuture<Boolean>> waiters = new ArrayList<>();
    private boolean scheduled;

    @Inject
    public EdgePurger(EdgeTargets targets, CatalogConfig config, ScheduledExecutorService scheduler,
            MeterRegistry registry) {
        this(targets.all(), config.edge().purge().window(), config.edge().purge().retries(),
                config.edge().purge().retryBackoff(),
                config.edge().purge().settle().orElse(config.events().feedStaleAfter()), scheduler, registry);
    }

    public EdgePurger(List<EdgeTarget> targets, Duration window, int retries, Duration backoff, Duration settle,
            ScheduledExecutorService scheduler, MeterRegistry registry) {
        this.targets = List.copyOf(targets);
        this.window = window;
        this.retries = retries;
        this.backoff = backoff;
        this.settle = settle;
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
     * Adds the keys of {@code events} to the current window.
     *
     * @return completes with {@code true} once every target has purged them, {@code false} if one gave up
     */
    public CompletionStage<Boolean> submit(List<ProductUpdated> events) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        if (targets.isEmpty() || events.isEmpty()) {
            done.complete(true);
            return done;
        }
        synchronized (lock) {
            events.forEach(event -> keys.addAll(keysOf(event)));
            waiters.add(done);
            if (!scheduled) {
                scheduled = true;
                scheduler.schedule(this::flush, window.toNanos(), TimeUnit.NANOSECONDS);
            }
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
