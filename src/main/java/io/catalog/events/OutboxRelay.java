package io.catalog.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.config.CatalogConfig;
import io.catalog.events.EventSink.OutboundEvent;
import io.catalog.model.ProductUpdated;
import io.catalog.store.CounterStore;
import io.catalog.store.PendingEvent;
import io.catalog.store.ProductStore;
import io.catalog.store.Sequences;
import io.catalog.store.StoredProduct;
import io.catalog.summary.SummaryMaintainer;
import io.catalog.support.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * (Longer than most classes here: a writer's publish, its group and the sweep run the same three steps below, whose
 * order is the correctness argument, and read side by side against docs/COHERENCE.md; what they do not share is
 * already apart: {@link PublishGroups}, {@link OutboxClears}, {@link SweepPace}.)
 * <p>
 * Publishes the events held in product items' outboxes, in three steps per batch, each safe to repeat:
 * <ol>
 * <li>at once, all three: raise the counters the events change ({@link #counters}: the membership generation of every
 * listing a product joined or left; a price change raises none), so that aggregates computed from now on carry a
 * version at least as new as the events; run {@link BeforePublish} (L2 markers or write-through)
 * so that no pod refills from a stale L2 after it hears of the event; and apply the events to the category summaries
 * in Redis ({@link SummaryMaintainer}). None of them depends on another; each must be done before any pod hears of
 * the events;</li>
 * <li>hand the events to every {@link EventSinks sink} (the stream first: pods hear of them from there), the stream
 * only if Redis is still the incarnation whose key space step 1 wrote to (else the publish fails and is retried);</li>
 * <li>remove them from the outboxes: awaited by the sweep, not by a writer, whose acknowledgement needs the event
 * durable (it is, in the item) and published, not cleared (a clear that fails leaves the event to the sweep, which
 * publishes it again: sinks de-duplicate by sequence).</li>
 * </ol>
 * Writers call {@link #publish} right after their write; a periodic sweep of the outbox index publishes whatever
 * a Redis outage or a crash left behind, so an acknowledged write's event is never lost. The sweep leaves an item to
 * its writer while the item's oldest pending event occurred within {@link #SWEEP_GRACE} of now (the writer's publish
 * and its clear are still under way), so that a sweep that overtakes the clears does not publish them again (for a
 * 1,000-item batch: every L2 marker, summary change and counter raise a second time; the stream's markers keep the
 * entries from being appended twice). The sweep is a
 * fixed-delay task of Quarkus' scheduler that only starts an asynchronous sweep (never two at once) and is
 * cancelled when the application stops.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    static final int SWEEP_BATCH = 100;
    static final Duration SWEEP_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How old an item's oldest pending event must be (by its {@code occurredAt} and this pod's clock) before a sweep
     * publishes it: longer than a writer's publish wait (2 s) and the clear that follows it.
     */
    static final Duration SWEEP_GRACE = Duration.ofSeconds(5);
    /**
     * How long a group of writers' publishes may take ({@link PublishGroups}): half of a writer's wait for its publish,
     * so that the writers queued behind a hung group still have time to retry in the next.
     */
    static final Duration GROUP_TIMEOUT = Duration.ofSeconds(1);

    private final ProductStore store;
    private final CounterStore counters;
    private final Sequences sequences;
    private final EventCounters eventCounters;
    private final BeforePublish beforePublish;
    private final EventSinks sinks;
    private final SummaryMaintainer summaries;
    private final OutboxClears clears;
    private final Json json;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private final Ticker ticker;
    private final Clock clock;
    private final AtomicInteger pendingFound = new AtomicInteger();
    private final PublishGroups groups = new PublishGroups(items -> publishNow(items, false), GROUP_TIMEOUT);
    private final SweepPace pace;
    private final Counter published;
    private ScheduledFuture<?> sweeps;
    /** Spans of publishes when tracing is on. */
    private final EventSpans spans;

    public OutboxRelay(ProductStore store, CounterStore counters, Sequences sequences, BeforePublish beforePublish,
            EventSinks sinks, OutboxClears clears,
            SummaryMaintainer summaries, Json json, CatalogConfig config, EventCounters eventCounters,
            ScheduledExecutorService scheduler, Ticker ticker, Clock clock, EventSpans spans, MeterRegistry registry) {
        this.clock = clock;
        this.spans = spans;
        this.store = store;
        this.counters = counters;
        this.sequences = sequences;
        this.eventCounters = eventCounters;
        this.beforePublish = beforePublish;
        this.sinks = sinks;
        this.summaries = summaries;
        this.clears = clears;
        this.json = json;
        this.interval = config.events().relayInterval();
        this.pace = new SweepPace(config.events().relayIdleInterval());
        this.scheduler = scheduler;
        this.ticker = ticker;
        Gauge.builder("catalog.outbox.pending", pendingFound, AtomicInteger::get)
                .description("Events the last outbox sweep of this pod found unpublished").register(registry);
        this.published = Counter.builder("catalog.events.published").description("Events handed to every sink")
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        sweeps = scheduler.scheduleWithFixedDelay(this::sweepQuietly, interval.toNanos(), interval.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (sweeps != null) {
            sweeps.cancel(false);
        }
    }

    /** Publishes the pending events of these items, then clears them from their outboxes. */
    public Uni<Void> publish(List<StoredProduct> items) {
        return publish(items, true).replaceWithVoid();
    }

    /**
     * Publishes the pending events of these items and clears them from their outboxes.
     *
     * @param awaitClear {@code false}, a writer's publish: in a group with the writers' publishes that come while one
     *        is under way ({@link PublishGroups}); complete once the sinks have the events, and clear the outboxes
     *        after ({@link OutboxClears}: deferred, or by the items' next writes; a writer's acknowledgement does not
     *        wait)
     * @return where the newest of the events (of the group's, for a writer) is in the stream (what a writer waits for
     *         the other pods to apply: {@link PodAcks#await}), or {@code null} when there was nothing to publish or
     *         that is not known
     */
    public Uni<Appended> publish(List<StoredProduct> items, boolean awaitClear) {
        if (!awaitClear) {
            return groups.publish(items).onCancellation().invoke(pace::raise);
        }
        return publishNow(items, true);
    }

    private Uni<Appended> publishNow(List<StoredProduct> items, boolean awaitClear) {
        List<StoredProduct> pending = items.stream().filter(i -> !i.outbox().isEmpty()).toList();
        if (pending.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        // one event once, though a group may hold two snapshots of its item (PublishGroups)
        Map<Long, PendingEvent> distinct = new TreeMap<>();
        pending.forEach(i -> i.outbox().forEach(e -> distinct.putIfAbsent(e.sequence(), e)));
        List<OutboundEvent> events = distinct.values().stream()
                .map(e -> new OutboundEvent(json.read(e.json(), ProductUpdated.class), e.json()))
                .toList();
        Span span = spans == null ? null : spans.publish(events);
        // the markers and summary changes below go to this incarnation's key space: the append must find it still
        String incarnation = sinks.incarnation();
        List<ProductUpdated> changes = events.stream().map(OutboundEvent::event).toList();
        Uni<Appended> sent = Uni.combine().all()
                .unis(raise(changes), beforePublish.run(pending, events), summaries.maintain(changes))
                .with((raised, before, states) -> withSummaries(events, states))
                .chain(with -> sinks.publish(with, incarnation))
                .invoke(() -> published.increment(events.size()));
        Uni<Appended> publish = (awaitClear ? sent.call(() -> clears.clear(pending))
                : sent.invoke(() -> clears.published(pending)))
                .onFailure().invoke(pace::raise)
                // a writer that stopped waiting (its publish wait ran out) cancels this: sweep again at once
                .onCancellation().invoke(pace::raise);
        return span == null ? publish : publish.onTermination().invoke(span::end);
    }

    private static List<OutboundEvent> withSummaries(List<OutboundEvent> events, List<String> summaries) {
        List<OutboundEvent> with = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            OutboundEvent e = events.get(i);
            with.add(summaries.get(i) == null ? e : new OutboundEvent(e.event(), e.json(), summaries.get(i)));
        }
        return with;
    }

    /** The counters an event raises to its sequence ({@link EventCounters}). */
    public List<String> counters(ProductUpdated event) {
        return eventCounters.of(event);
    }

    /** Raises the {@link #counters} of these events, each once, to the newest sequence that changed it. */
    public Uni<Void> raise(List<ProductUpdated> events) {
        Map<String, Long> newest = new HashMap<>();
        for (ProductUpdated event : events) {
            counters(event).forEach(name -> newest.merge(name, event.sequence(), Math::max));
        }
        if (newest.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(newest.entrySet())
                .onItem().transformToUniAndMerge(g -> counters.raise(g.getKey(), g.getValue(), sequences::above))
                .collect().last().replaceWithVoid();
    }

    /**
     * What a sweep found.
     *
     * @param published events it published
     * @param leftToWriters events it left to the writers still publishing them (too recent)
     * @param leftDue how long until the earliest of those becomes the sweep's, or {@code null} when it left none
     * @param unreadable events it could not read, left to the pods that can (an event of a newer version of the
     *        service, during a rolling upgrade): its other items are published all the same
     * @param full whether it looked at as many items as a sweep takes: more may be pending beyond them
     * @param publishedItems the items whose events it published
     */
    public record Swept(int published, int leftToWriters, Duration leftDue, int unreadable, boolean full,
            Set<String> publishedItems) {

        /** Every pending event the sweep found. */
        public int pending() {
            return published + leftToWriters + unreadable;
        }
    }

    /** One sweep of the outbox index: publishes what is still pending {@link #SWEEP_GRACE} after it occurred. */
    public Uni<Swept> sweep() {
        return sweep(SWEEP_GRACE);
    }

    /**
     * As {@link #sweep()}: publishes the items whose oldest pending event did not occur within {@code grace} of now,
     * either way (an event stamped further ahead than that comes from a pod whose clock is ahead: deferring it would
     * defer it by the clocks' difference), so an event is deferred by at most twice the grace whatever the clocks say,
     * plus a tick: the next sweep is due when the earliest event left becomes the sweep's ({@link SweepPace}).
     */
    Uni<Swept> sweep(Duration grace) {
        return store.pendingIds(SWEEP_BATCH)
                .chain(ids -> (ids.isEmpty() ? Uni.createFrom().item(Map.<String, StoredProduct> of())
                        : store.readConsistent(ids))
                        .chain(found -> sweep(found.values(), grace, ids.size() >= SWEEP_BATCH)));
    }

    private Uni<Swept> sweep(Collection<StoredProduct> items, Duration grace, boolean full) {
        Instant now = clock.instant();
        List<StoredProduct> stuck = new ArrayList<>();
        int left = 0;
        int unreadable = 0;
        Duration leftDue = null;
        for (StoredProduct item : items) {
            if (item.outbox().isEmpty()) {
                continue;
            }
            Instant occurred = oldestOccurred(item);
            if (clears.clearing(item.id(), item.pendingSequences())) {
                // published by this pod, its clear waiting or under way
                left += item.outbox().size();
            } else if (occurred == null) {
                unreadable += item.outbox().size();
            } else if (occurred.isAfter(now.minus(grace)) && !occurred.isAfter(now.plus(grace))) {
                left += item.outbox().size();
                Duration due = Duration.between(now, occurred.plus(grace));
                leftDue = leftDue == null || due.compareTo(leftDue) < 0 ? due : leftDue;
            } else {
                stuck.add(item);
            }
        }
        Swept swept = new Swept(events(stuck), left, leftDue, unreadable, full,
                stuck.stream().map(StoredProduct::id).collect(Collectors.toUnmodifiableSet()));
        return publishNow(stuck, true).replaceWith(swept);
    }

    private static int events(List<StoredProduct> items) {
        return items.stream().mapToInt(i -> i.outbox().size()).sum();
    }

    /**
     * When the item's oldest pending event occurred ({@link Instant#EPOCH} when it does not say), or {@code null} when
     * one of its events cannot be read (the publish would fail on it).
     */
    private Instant oldestOccurred(StoredProduct item) {
        Instant oldest = null;
        try {
            for (PendingEvent event : item.outbox()) {
                Instant occurred = json.read(event.json(), ProductUpdated.class).occurredAt();
                if (oldest == null) {
                    oldest = occurred == null ? Instant.EPOCH : occurred;
                }
            }
            return oldest;
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * One tick, every {@code catalog.events.relay-interval}: sweeps when the {@link SweepPace} says so (at least
     * every {@code catalog.events.relay-idle-interval}).
     */
    private void sweepQuietly() {
        if (!pace.start(ticker.read())) {
            return;
        }
        Uni.createFrom().deferred(this::sweep).ifNoItem().after(SWEEP_TIMEOUT).fail()
                .subscribe().with(swept -> {
                    pendingFound.set(swept.pending());
                    pace.finished(swept.published() > 0 || swept.full(),
                            swept.leftDue() == null ? -1 : swept.leftDue().toNanos(), ticker.read());
                    if (swept.published() > 0) {
                        LOG.infof("Relay published %d pending event(s)", swept.published());
                    }
                    if (swept.unreadable() > 0) {
                        LOG.warnf("Relay left %d pending event(s) it cannot read to the pods that can (an event of"
                                + " a newer version of the service?)", swept.unreadable());
                    }
                }, failure -> {
                    pace.failed();
                    LOG.debugf("Relay sweep failed, will retry: %s", failure.toString());
                });
    }
}
