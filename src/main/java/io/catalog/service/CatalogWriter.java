package io.catalog.service;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.cache.CacheCoherence;
import io.catalog.config.CatalogConfig;
import io.catalog.events.OutboxClears;
import io.catalog.events.PodAcks;
import io.catalog.model.ETags;
import io.catalog.model.Keys;
import io.catalog.model.Money;
import io.catalog.model.Product;
import io.catalog.model.ProductUpdated;
import io.catalog.service.ProductChange.Next;
import io.catalog.service.WriteResult.Status;
import io.catalog.store.PendingEvent;
import io.catalog.store.ProductStore;
import io.catalog.store.Sequences;
import io.catalog.store.StoredProduct;
import io.catalog.support.Futures;
import io.catalog.support.Json;
import io.catalog.support.Tracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Admin writes. Each one takes a sequence from this pod's block ({@link Sequences}: no round trip while it lasts)
 * and writes the new state together with its ProductUpdated event in one conditional write (optimistic concurrency
 * on the item's sequence): the event is durable before the write is acknowledged. When this pod holds the product in
 * L1 that is the write's only call to DynamoDB; otherwise, or when the item changed since, the item is read first.
 * This pod then holds the new version, the relay publishes the event, the writer waits until no other pod can answer
 * the older version ({@link PodAcks}: each applied it, or its lease ran out), and the write is acknowledged; the
 * outbox is cleared after ({@link OutboxClears}: by the item's next write from this pod, or a write of its own). If
 * Redis is down, the write is stored but not acknowledged (503): the relay publishes the event later.
 * <p>
 * One class, longer than 320 lines: the write without a read and the write with a read (its retries, and the look for
 * a write whose answer was lost) fall back on each other and share the sequence bound, the outbox's rules, the publish
 * and the answer, which are read side by side against docs/COHERENCE.md; what they do not share is already apart
 * ({@link ProductChange}, {@link TriedWrite}, {@link WriteAcknowledgement}, {@link WriteMeters}, {@link BatchWriter}).
 */
@ApplicationScoped
public class CatalogWriter {

    static final int MAX_ATTEMPTS = 8;
    /** The first pause between attempts that lost a race is up to this long, doubled after each, up to the cap. */
    static final Duration FIRST_BACKOFF = Duration.ofMillis(2);
    static final Duration MAX_BACKOFF = Duration.ofMillis(16);
    /** Pending events an item holds at most (an item is limited to 400 KB; an event is about 300 bytes). */
    static final int MAX_PENDING = 32;

    private final ProductStore store;
    private final OutboxClears clears;
    private final Sequences sequences;
    private final WriteAcknowledgement acknowledgement;
    private final CacheCoherence coherence;
    private final Json json;
    private final ProductDocuments documents;
    private final Clock clock;
    private final String currency;
    private final WriteMeters meters;
    /** The trace context events carry when tracing is on. */
    private final Tracing tracing;

    public CatalogWriter(ProductStore store, OutboxClears clears, Sequences sequences,
            WriteAcknowledgement acknowledgement, CacheCoherence coherence, Json json, ProductDocuments documents,
            Clock clock, CatalogConfig config, Tracing tracing, MeterRegistry registry) {
        this.clears = clears;
        this.tracing = tracing;
        this.store = store;
        this.sequences = sequences;
        this.acknowledgement = acknowledgement;
        this.coherence = coherence;
        this.json = json;
        this.documents = documents;
        this.clock = clock;
        this.currency = config.currency();
        this.meters = new WriteMeters(registry);
    }

    @WithSpan("catalog.write")
    public Uni<WriteResult> put(String id, String name, String category, BigDecimal price, String ifMatch) {
        return change(id, ifMatch, ProductChange.replace(name, category, Money.normalize(price)));
    }

    @WithSpan("catalog.write")
    public Uni<WriteResult> patchPrice(String id, BigDecimal price, String ifMatch) {
        return change(id, ifMatch, ProductChange.price(Money.normalize(price)));
    }

    @WithSpan("catalog.write")
    public Uni<WriteResult> delete(String id, String ifMatch) {
        return change(id, ifMatch, ProductChange.delete());
    }

    /** The ETag of a product's representation, as the public GET serves it. */
    public String etag(Product product) {
        return documents.etag(product);
    }

    /**
     * A write of a product this pod holds in L1 (the usual case: it serves it, or applied its last change) takes no
     * read: one conditional UpdateItem assumes what L1 holds and checks it ({@link #withoutRead}). Otherwise, or when
     * the item changed since, the item is read first ({@link #withRead}).
     */
    private Uni<WriteResult> change(String id, String ifMatch, ProductChange change) {
        long epoch = coherence.l1().epoch();
        long started = System.nanoTime();
        Optional<Product> known = held(id);
        Optional<Next> next = known.filter(p -> ifMatch == null || ETags.matchesStrongly(ifMatch, etag(p)))
                .flatMap(p -> change.decide(known));
        if (next.isPresent()) {
            return withoutRead(id, ifMatch, change, known.get(), next.get(), epoch, started);
        }
        meters.cold().increment();
        return withRead(id, ifMatch, change);
    }

    /**
     * The write without a read: a sequence above what this pod knows of the keys the change touches (no round trip
     * while the pod's block lasts), then one conditional UpdateItem that sets the new state and appends the event to
     * the outbox only if the item is still at the sequence L1 holds (so If-Match, checked against L1, is exact) and
     * its outbox has room; it returns the item as written. If the condition fails, the write reads the item and
     * starts again.
     */
    private Uni<WriteResult> withoutRead(String id, String ifMatch, ProductChange change, Product known, Next next,
            long epoch, long started) {
        Optional<Product> live = Optional.of(known);
        return sequences.above(bound(known.sequence(), id, live, next)).chain(sequence -> {
            long sequenced = System.nanoTime();
            meters.readStep().record(sequenced - started, TimeUnit.NANOSECONDS);
            return update(id, known, next, sequence).chain(updated -> {
                meters.putStep().record(System.nanoTime() - sequenced, TimeUnit.NANOSECONDS);
                if (updated.written().isEmpty()) {
                    meters.changed().increment();
                    return withRead(id, ifMatch, change, updated.tried());
                }
                meters.unread().increment();
                return acknowledgement.published(updated.written().stream().toList(), epoch, meters.publishStep())
                        .replaceWith(result(live, updated.written().get()));
            });
        });
    }

    /**
     * The outcome of an {@link #update}: the item as written, or nothing when the condition failed, and then what the
     * write tried (for the read that follows: {@link TriedWrite}).
     */
    record Updated(Optional<StoredProduct> written, TriedWrite tried) {
    }

    /**
     * The conditional UpdateItem of a change of {@code known} at {@code sequence}: the new state and its event appended
     * to the outbox, together with the removal of the item's events this pod published ({@link OutboxClears}), only if
     * the item is still live at {@code known}'s sequence and its outbox has room. The item as written, or nothing when
     * the condition failed (the item changed since, is gone, or its outbox is full: the caller reads it).
     */
    Uni<Updated> update(String id, Product known, Next next, long sequence) {
        Optional<Product> live = Optional.of(known);
        Product product = product(id, live, next, sequence);
        String event = tracing.attach(json.write(next.event(product, live)));
        Set<Long> published = clears.of(id); // cleared by this write, not by a write of their own
        TriedWrite tried = TriedWrite.of(live, product, next.deleted(), new PendingEvent(sequence, event), published);
        return store.update(product, next.deleted(), known.sequence(), event, MAX_PENDING, published)
                .map(written -> {
                    if (written.isPresent()) {
                        clears.removed(id, published);
                    }
                    return new Updated(written, tried);
                });
    }

    /** The counters and timers of writes, which a batch's writes count in too. */
    WriteMeters meters() {
        return meters;
    }

    /** The product this pod holds in L1, if it holds it live: what a write may assume without reading it. */
    Optional<Product> held(String id) {
        return documents.product(coherence.l1().get(Keys.product(id)));
    }

    /**
     * The write with a read: an {@link #attempt} that answers nothing (its put lost a race) is tried again, up to
     * MAX_ATTEMPTS in all, after a pause drawn at random below {@link #backoff}: writers that lost to each other would
     * otherwise read and write again in step, and lose again (six writers on three pods, two of them on the same product
     * through the same pod, used up five immediate attempts now and then on Redis Cluster).
     */
    Uni<WriteResult> withRead(String id, String ifMatch, ProductChange change) {
        return withRead(id, ifMatch, change, TriedWrite.NONE);
    }

    /**
     * As {@link #withRead(String, String, ProductChange)}, after a conditional write that failed: the first read tells
     * whether that write landed all the same ({@link TriedWrite}).
     */
    Uni<WriteResult> withRead(String id, String ifMatch, ProductChange change, TriedWrite failed) {
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<TriedWrite> tried = new AtomicReference<>(failed);
        return Multi.createBy().repeating().uni(() -> {
            int lost = attempts.getAndIncrement();
            Uni<Optional<WriteResult>> attempt = Uni.createFrom().deferred(() -> attempt(id, ifMatch, change, tried));
            return lost == 0 ? attempt : Futures.delay(jitter(backoff(lost))).chain(() -> attempt);
        }).atMost(MAX_ATTEMPTS)
                .filter(Optional::isPresent).map(Optional::get)
                .toUni() // the first answer; no further attempt
                .onItem().ifNull().switchTo(() -> lastLook(id, tried.get()));
    }

    /**
     * Every attempt lost: {@code CONFLICT}, unless the last one's write landed all the same (its answer lost), which
     * one more read tells ({@link TriedWrite}).
     */
    private Uni<WriteResult> lastLook(String id, TriedWrite last) {
        if (last == TriedWrite.NONE) {
            return Uni.createFrom().item(WriteResult.of(Status.CONFLICT));
        }
        long epoch = coherence.l1().epoch();
        return store.read(id, true).chain(current -> last.landedIn(current)
                ? landed(current.get(), last, epoch)
                : Uni.createFrom().item(WriteResult.of(Status.CONFLICT)));
    }

    /** The bound of the pause before the attempt that follows {@code lost} lost ones: doubling, capped. */
    static Duration backoff(int lost) {
        Duration doubled = FIRST_BACKOFF.multipliedBy(1L << Math.min(lost - 1, 10));
        return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    /** A pause drawn uniformly below {@code bound} (full jitter). */
    private static Duration jitter(Duration bound) {
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(bound.toNanos()));
    }

    /**
     * One attempt with a read: the item read strongly consistent, a sequence above its own and above what this pod
     * knows of the keys the change touches, then the conditional put (the item must still be as read), then the
     * publish. Nothing when the put's condition failed: the next attempt's read tells a concurrent write (the change is
     * made again on what it wrote; with If-Match, that version is gone: {@code PRECONDITION_FAILED}) from this write's
     * own, whose answer was lost ({@link TriedWrite}).
     */
    private Uni<Optional<WriteResult>> attempt(String id, String ifMatch, ProductChange change,
            AtomicReference<TriedWrite> tried) {
        long epoch = coherence.l1().epoch();
        long started = System.nanoTime();
        return store.read(id, true).chain(current -> {
            TriedWrite failed = tried.getAndSet(TriedWrite.NONE);
            if (failed.landedIn(current)) {
                meters.readStep().record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                return landed(current.get(), failed, epoch).map(Optional::of);
            }
            Optional<Product> live = current.filter(StoredProduct::live).map(StoredProduct::product);
            Optional<Next> next = change.decide(live);
            boolean matches = ifMatch == null || live.map(p -> ETags.matchesStrongly(ifMatch, etag(p))).orElse(false);
            if (next.isEmpty() || !matches) {
                meters.readStep().record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                Status status = ifMatch != null ? Status.PRECONDITION_FAILED : Status.NOT_FOUND;
                return Uni.createFrom().item(Optional.of(WriteResult.of(status)));
            }
            // no item: above every sequence handed out (an expired tombstone took its last one, which summaries hold)
            Uni<Long> sequenced = current.isEmpty() ? sequences.fresh()
                    : sequences.above(bound(current.get().product().sequence(), id, live, next.get()));
            return sequenced.chain(sequence -> {
                long read = System.nanoTime();
                meters.readStep().record(read - started, TimeUnit.NANOSECONDS);
                StoredProduct written = apply(id, current, next.get(), sequence);
                return write(written, current).chain(ok -> {
                    meters.putStep().record(System.nanoTime() - read, TimeUnit.NANOSECONDS);
                    if (ok) {
                        return acknowledgement.published(List.of(written), epoch, meters.publishStep())
                                .replaceWith(Optional.of(result(live, written)));
                    }
                    // the event this write appended is the newest of its outbox
                    tried.set(TriedWrite.of(live, written.product(), written.deleted(),
                            written.outbox().get(written.outbox().size() - 1), Set.of()));
                    return Uni.createFrom().item(Optional.<WriteResult> empty());
                });
            });
        });
    }

    /**
     * The answer to a write found stored by the read after its condition failed ({@link TriedWrite#landedIn}): what it wrote,
     * published and waited for as any write. The item is published as read when its outbox holds the write's event
     * (with whatever was written on top of it since, which is then the newest this pod holds); otherwise the relay's
     * sweep published and cleared it already, and the write's event is published again on its own (the stream's
     * markers keep it from being appended twice, and consumers de-duplicate by sequence), so that the wait confirms it.
     */
    private Uni<WriteResult> landed(StoredProduct item, TriedWrite write, long epoch) {
        meters.landed().increment();
        clears.removed(item.id(), write.published());
        StoredProduct publish = write.eventIn(item) ? item : write.intended();
        return acknowledgement.published(List.of(publish), epoch, meters.publishStep())
                .replaceWith(result(write.before(), write.intended()));
    }

    /**
     * What a change's sequence must exceed: the product's sequence, this pod's floors of the keys the change touches
     * and the highest sequence it heard of; a Lamport clock over the blocks (docs/COHERENCE.md, "Sequences").
     */
    long bound(long current, String id, Optional<Product> live, Next next) {
        long bound = Math.max(current, coherence.highestHeard());
        for (String token : next.event(product(id, live, next, 0), live).tokens()) {
            bound = Math.max(bound, coherence.floors().of(token));
        }
        return bound;
    }

    /**
     * The conditional put of an item and its outbox. An item holds at most {@link #MAX_PENDING} unpublished events
     * (an item is limited to 400 KB); one more would have to drop an acknowledged change's event, which consumers of
     * the stream and EventBridge (price history, audit) must never miss. So a write to an item whose outbox is full is
     * refused before anything is stored ({@link OutboxFull}: 503 with {@code Retry-After}); the relay empties the
     * outbox as soon as the sinks answer.
     */
    Uni<Boolean> write(StoredProduct full, Optional<StoredProduct> current) {
        return full.outbox().size() > MAX_PENDING ? refuse(full.id()) : store.write(full, current);
    }

    /** A write refused because the outbox of item {@code id} is full ({@link OutboxFull}: 503). */
    <T> Uni<T> refuse(String id) {
        meters.refused().increment();
        return Uni.createFrom().failure(new OutboxFull(id, MAX_PENDING));
    }

    static WriteResult result(Optional<Product> before, StoredProduct written) {
        Status status = !written.live() ? Status.DELETED : before.isPresent() ? Status.UPDATED : Status.CREATED;
        return new WriteResult(status, written.product());
    }

    /** The item after a change, holding the change's event in its outbox. */
    StoredProduct apply(String id, Optional<StoredProduct> current, Next next, long sequence) {
        Optional<Product> live = current.filter(StoredProduct::live).map(StoredProduct::product);
        Product product = product(id, live, next, sequence);
        StoredProduct base = current.orElseGet(() -> new StoredProduct(product, false, List.of()));
        return base.with(product, next.deleted(), tracing.attach(json.write(next.event(product, live))));
    }

    private Product product(String id, Optional<Product> live, Next next, long sequence) {
        return next.product(id, live, sequence, clock.instant().truncatedTo(ChronoUnit.MILLIS), currency);
    }
}
