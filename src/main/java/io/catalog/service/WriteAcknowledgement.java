package io.catalog.service;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.catalog.cache.CacheCoherence;
import io.catalog.events.Appended;
import io.catalog.events.OutboxRelay;
import io.catalog.events.PodAcks;
import io.catalog.model.ProductUpdated;
import io.catalog.store.PendingEvent;
import io.catalog.store.StoredProduct;
import io.catalog.support.Futures;
import io.catalog.support.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;

/**
 * What a stored write waits for before it is acknowledged: this pod holds the new version at once, the relay
 * publishes the event, and every other pod applied it or can no longer answer ({@link PodAcks}).
 */
@ApplicationScoped
public class WriteAcknowledgement {

    private static final Logger LOG = Logger.getLogger(WriteAcknowledgement.class);
    static final Duration PUBLISH_WAIT = Duration.ofSeconds(2);
    static final Duration PUBLISH_RETRY = Duration.ofMillis(50);
    /** Publishes failed in a row after which a write's publish is tried once only. */
    static final int FAILING = 3;

    private final OutboxRelay relay;
    private final PodAcks acks;
    private final CacheCoherence coherence;
    private final Json json;
    private final ProductDocuments documents;
    private final AtomicInteger failingPublishes = new AtomicInteger();
    private final Counter unconfirmed;

    public WriteAcknowledgement(OutboxRelay relay, PodAcks acks, CacheCoherence coherence, Json json,
            ProductDocuments documents, MeterRegistry registry) {
        this.relay = relay;
        this.acks = acks;
        this.coherence = coherence;
        this.json = json;
        this.documents = documents;
        this.unconfirmed = Counter.builder("catalog.writes.unconfirmed")
                .description("Writes stored but not acknowledged (503) because their publish failed or ran past"
                        + " its time (Redis or EventBridge down or slow): the relay publishes them later")
                .register(registry);
    }

    /**
     * Publishes what was written and waits until no other pod can answer the older version ({@link PodAcks#await}:
     * every other live pod applied it, or its lease ran out), so that a read sent after the acknowledgement, to any
     * pod, gets it or newer. A publish that fails is tried again until {@link #PUBLISH_WAIT} has passed; then the write
     * is not acknowledged ({@link ChangeNotConfirmed}: 503) though it is stored: the relay publishes it later, and only
     * then could the other pods know of it.
     *
     * @param step the timer of the publish step ({@code catalog.write.steps}), or {@code null} for a batch
     */
    public Uni<Void> published(List<StoredProduct> written, long epoch, Timer step) {
        if (written.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // this pod holds its own events before any other may hear of them (CacheCoherence.applyOwn); the publish is
        // assembled once they are applied, so its retries' deadline counts from its start
        return appliedOwn(written, epoch).chain(() -> publishedApplied(written, step));
    }

    /**
     * As {@link #published}, for items whose newest events this pod already holds ({@link #applyOwn(StoredProduct,
     * long)} as each write returned: a batch applies while its other writes are in flight).
     */
    public Uni<Void> publishedApplied(List<StoredProduct> applied, Timer step) {
        if (applied.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // published: the counters are raised now, so a generation read since the own apply may be older than the write
        return publish(applied, step).invoke(coherence::changed).chain(acks::await);
    }

    /**
     * As {@link #publishedApplied}, started at once: the publish and the wait that follows it run while the caller goes
     * on (a batch publishes what it has written while its other writes are in flight). The answer fails as {@link
     * #publishedApplied} does, and completes when the other pods have applied the events (or their lease ran out).
     */
    public Uni<Void> publishingApplied(List<StoredProduct> applied) {
        return Futures.started(publishedApplied(applied, null).memoize().indefinitely());
    }

    /** This pod holds the newest event of {@code item}, written just now ({@link CacheCoherence#applyOwn}). */
    public void applyOwn(StoredProduct item, long epoch) {
        PendingEvent newest = item.outbox().get(item.outbox().size() - 1);
        coherence.applyOwn(json.read(newest.json(), ProductUpdated.class), documents.of(item.id(), Optional.of(item)),
                epoch);
    }

    /** The publish of {@code written}, retried within {@link #PUBLISH_WAIT}; a failure is {@link ChangeNotConfirmed}. */
    private Uni<Appended> publish(List<StoredProduct> written, Timer step) {
        long started = System.nanoTime();
        Uni<Appended> publish = Uni.createFrom().deferred(() -> relay.publish(written, false));
        if (failingPublishes.get() < FAILING) {
            // a blip (a Redis restart, a failover) is ridden out; while publishes keep failing (Redis down), one
            // attempt each: a fast 503, no queue of retrying writers
            publish = publish.onFailure().retry().withBackOff(PUBLISH_RETRY, PUBLISH_RETRY.multipliedBy(8))
                    .expireIn(PUBLISH_WAIT.toMillis());
        }
        return publish
                .invoke(() -> failingPublishes.set(0))
                .onFailure().invoke(() -> failingPublishes.incrementAndGet())
                .onTermination().invoke(() -> {
                    if (step != null) {
                        step.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    }
                })
                .ifNoItem().after(PUBLISH_WAIT).fail()
                .onFailure().transform(f -> {
                    unconfirmed.increment();
                    LOG.warnf("Publishing %d event(s) failed; not acknowledged, the relay will publish them: %s",
                            written.size(), f.toString());
                    return new ChangeNotConfirmed(f);
                });
    }

    /**
     * Applies the newest event of each written item to this pod ({@link CacheCoherence#applyOwn}): on the calling
     * thread for up to {@link Futures#EVENT_LOOP_ITEMS} items, above that on a worker thread (rendering a thousand documents
     * took the event loop away from the reads for most of a second), resuming on the caller's context.
     */
    private Uni<Void> appliedOwn(List<StoredProduct> written, long epoch) {
        if (written.size() <= Futures.EVENT_LOOP_ITEMS) {
            applyOwn(written, epoch);
            return Uni.createFrom().voidItem();
        }
        return Futures.onWorker(() -> applyOwn(written, epoch));
    }

    private void applyOwn(List<StoredProduct> written, long epoch) {
        written.forEach(item -> applyOwn(item, epoch));
    }
}
