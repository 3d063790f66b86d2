package io.catalog.service;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.catalog.cache.CacheCoherence;
import io.catalog.config.CatalogConfig;
import io.catalog.events.Appended;
import io.catalog.events.OutboxRelay;
import io.catalog.events.PodAcks;
import io.catalog.model.ETags;
import io.catalog.model.Money;
import io.catalog.model.Product;
import io.catalog.model.ProductUpdated;
import io.catalog.service.ProductChange.Next;
import io.catalog.service.WriteResult.Status;
import io.catalog.store.CounterStore;
import io.catalog.store.PendingEvent;
import io.catalog.store.ProductStore;
import io.catalog.store.StoredProduct;
import io.catalog.support.Json;
import io.catalog.support.Tracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Admin writes. Each one reads the item strongly consistent while it takes a global sequence number (two calls at
 * once), and writes the new state together with its ProductUpdated event in one conditional put (optimistic
 * concurrency on the item's sequence): the event is durable before the write is acknowledged. This pod then holds
 * the new version, the relay publishes the event, the writer waits until no other pod can answer the older version
 * ({@link PodAcks}: each applied it, or its lease ran out), and the write is acknowledged; the outbox is cleared
 * after. If Redis is down, the write is stored but not acknowledged (503): the relay publishes the event later.
 */
@ApplicationScoped
public class CatalogWriter {

    private static final Logger LOG = Logger.getLogger(CatalogWriter.class);
    static final int MAX_ATTEMPTS = 5;
    static final Duration PUBLISH_WAIT = Duration.ofSeconds(2);
    static final Duration PUBLISH_RETRY = Duration.ofMillis(50);
    /** Publishes failed in a row after which a write's publish is tried once only. */
    static final int FAILING = 3;
    /** Pending events an item holds at most (an item is limited to 400 KB; an event is about 300 bytes). */
    static final int MAX_PENDING = 32;

    private final ProductStore store;
    private final CounterStore counters;
    private final OutboxRelay relay;
    private final PodAcks acks;
    private final CacheCoherence coherence;
    private final Json json;
    private final ProductDocuments documents;
    private final Clock clock;
    private final String currency;
    private final int concurrency;
    private final WriteMeters meters;
    private final AtomicInteger failingPublishes = new AtomicInteger();
    /** The trace context events carry when tracing is on. */
    private final Tracing tracing;

    public CatalogWriter(ProductStore store, CounterStore counters, OutboxRelay relay, PodAcks acks,
            CacheCoherence coherence, Json json, ProductDocuments documents, Clock clock, CatalogConfig config,
            Tracing tracing, MeterRegistry registry) {
        this.tracing = tracing;
        this.store = store;
        this.counters = counters;
        this.relay = relay;
        this.acks = acks;
        this.coherence = coherence;
        this.json = json;
        this.documents = documents;
        this.clock = clock;
        this.currency = config.currency();
        this.concurrency = config.dynamodb().writeConcurrency();
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

    private Uni<WriteResult> change(String id, String ifMatch, ProductChange change) {
        return attempt(id, ifMatch, change, 1);
    }

    /**
     * One attempt: the strongly consistent read and the sequence reservation run at once (a sequence wasted on a 404,
     * a 412 or a lost race is harmless: sequences are unique and increasing, never contiguous), then the conditional
     * put, then the publish. A sequence reserved before a concurrent write took a newer one, whose result the read
     * already shows, is not used: a product's sequence only ever rises.
     */
    private Uni<WriteResult> attempt(String id, String ifMatch, ProductChange change, int attempt) {
        long epoch = coherence.l1().epoch();
        long started = System.nanoTime();
        return Uni.combine().all().unis(store.read(id, true), counters.reserve(1)).asTuple().chain(both -> {
            long read = System.nanoTime();
            meters.readStep().record(read - started, TimeUnit.NANOSECONDS);
            Optional<StoredProduct> current = both.getItem1();
            if (current.isPresent() && both.getItem2() <= current.get().product().sequence()) {
                // reserved before a concurrent write that the read already shows took a newer sequence: writing with
                // this one would move the product's sequence backwards (every tier would keep the other write's
                // version as the newer); take a new sequence
                return attempt < MAX_ATTEMPTS ? attempt(id, ifMatch, change, attempt + 1)
                        : Uni.createFrom().item(WriteResult.of(Status.CONFLICT));
            }
            Optional<Product> live = current.filter(StoredProduct::live).map(StoredProduct::product);
            if (ifMatch != null && !live.map(p -> ETags.matchesStrongly(ifMatch, etag(p))).orElse(false)) {
                return Uni.createFrom().item(WriteResult.of(Status.PRECONDITION_FAILED));
            }
            Optional<Next> next = change.decide(live);
            if (next.isEmpty()) {
                return Uni.createFrom().item(WriteResult.of(Status.NOT_FOUND));
            }
            StoredProduct written = apply(id, current, next.get(), both.getItem2());
            return write(written, current).chain(ok -> {
                meters.putStep().record(System.nanoTime() - read, TimeUnit.NANOSECONDS);
                if (ok) {
                    return published(List.of(written), epoch, meters.publishStep()).replaceWith(result(live, written));
                }
                if (ifMatch != null) {
                    return Uni.createFrom().item(WriteResult.of(Status.PRECONDITION_FAILED));
                }
                return attempt < MAX_ATTEMPTS ? attempt(id, null, change, attempt + 1)
                        : Uni.createFrom().item(WriteResult.of(Status.CONFLICT));
            });
        });
    }

    /**
     * The conditional put of an item and its outbox. An item holds at most {@link #MAX_PENDING} unpublished events
     * (an item is limited to 400 KB); one more would have to drop an acknowledged change's event, which consumers of
     * the stream and EventBridge (price history, audit) must never miss. So a write to an item whose outbox is full is
     * refused before anything is stored ({@link OutboxFull}: 503 with {@code Retry-After}); the relay empties the
     * outbox as soon as the sinks answer.
     */
    private Uni<Boolean> write(StoredProduct full, Optional<StoredProduct> current) {
        if (full.outbox().size() > MAX_PENDING) {
            meters.refused().increment();
            return Uni.createFrom().failure(new OutboxFull(full.id(), MAX_PENDING));
        }
        return store.write(full, current);
    }

    private static WriteResult result(Optional<Product> before, StoredProduct written) {
        Status status = !written.live() ? Status.DELETED : before.isPresent() ? Status.UPDATED : Status.CREATED;
        return new WriteResult(status, written.product());
    }

    /** The item after a change, holding the change's event in its outbox. */
    StoredProduct apply(String id, Optional<StoredProduct> current, Next next, long sequence) {
        Optional<Product> live = current.filter(StoredProduct::live).map(StoredProduct::product);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        long version = live.map(p -> p.version() + 1).orElse(1L);
        Product product = new Product(id, next.name(), next.category(), next.price(), currency, version, now, sequence);
        String previousCategory = live.map(Product::category).filter(c -> !c.equals(next.category())).orElse(null);
        ProductUpdated event = ProductUpdated.of(product, live.map(Product::price).orElse(null), next.deleted(),
                previousCategory);
        StoredProduct base = current.orElseGet(() -> new StoredProduct(product, false, List.of()));
        return base.with(product, next.deleted(), tracing.attach(json.write(event)));
    }

    /**
     * Sets many prices at once: one strongly consistent batch read, one block of sequence numbers, conditional
     * writes with bounded concurrency, and one publish for the whole batch. Items written concurrently by someone
     * else are retried one by one.
     */
    @WithSpan("catalog.write")
    public Uni<List<BatchResult>> batchPrices(List<PriceUpdate> updates) {
        List<String> ids = updates.stream().map(PriceUpdate::id).toList();
        long epoch = coherence.l1().epoch();
        return store.readConsistent(ids).chain(found -> {
            List<PriceUpdate> known = updates.stream().filter(u -> isLive(found.get(u.id()))).toList();
            if (known.isEmpty()) {
                return Uni.createFrom().item(results(updates, Map.of()));
            }
            Optional<StoredProduct> full = known.stream().map(u -> found.get(u.id()))
                    .filter(item -> item.outbox().size() >= MAX_PENDING).findFirst();
            if (full.isPresent()) {
                // the whole batch is refused before anything is written: it either applies or changes nothing
                meters.refused().increment();
                return Uni.createFrom().failure(new OutboxFull(full.get().id(), MAX_PENDING));
            }
            return counters.reserve(known.size()).chain(first -> writeAll(known, found, first, epoch))
                    .map(written -> results(updates, written));
        });
    }

    private Uni<Map<String, WriteResult>> writeAll(List<PriceUpdate> known, Map<String, StoredProduct> found, long first,
            long epoch) {
        List<StoredProduct> publishable = Collections.synchronizedList(new ArrayList<>());
        Map<String, WriteResult> results = new ConcurrentHashMap<>();
        return Multi.createFrom().range(0, known.size())
                .onItem().transformToUni(i -> writeOne(known.get(i), found.get(known.get(i).id()), first + i,
                        publishable, results))
                .merge(concurrency)
                .collect().last()
                .chain(() -> published(publishable, epoch, null))
                .replaceWith(results);
    }

    private Uni<Void> writeOne(PriceUpdate update, StoredProduct current, long sequence,
            List<StoredProduct> publishable, Map<String, WriteResult> results) {
        BigDecimal price = Money.normalize(update.price());
        StoredProduct written = apply(update.id(), Optional.of(current), ProductChange.price(price)
                .decide(Optional.of(current.product())).orElseThrow(), sequence);
        return write(written, Optional.of(current)).chain(ok -> {
            if (ok) {
                publishable.add(written);
                results.put(update.id(), result(Optional.of(current.product()), written));
                return Uni.createFrom().voidItem();
            }
            return patchPrice(update.id(), price, null).invoke(r -> results.put(update.id(), r)).replaceWithVoid();
        });
    }

    private static List<BatchResult> results(List<PriceUpdate> updates, Map<String, WriteResult> written) {
        return updates.stream().map(u -> {
            WriteResult r = written.get(u.id());
            return r == null || r.product() == null ? new BatchResult(u.id(), 404, null)
                    : new BatchResult(u.id(), 200, r.product().version());
        }).toList();
    }

    private static boolean isLive(StoredProduct stored) {
        return stored != null && stored.live();
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
    private Uni<Void> published(List<StoredProduct> written, long epoch, Timer step) {
        if (written.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        for (StoredProduct item : written) {
            PendingEvent newest = item.outbox().get(item.outbox().size() - 1);
            coherence.applyOwn(json.read(newest.json(), ProductUpdated.class),
                    documents.of(item.id(), Optional.of(item)), epoch);
        }
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
                    meters.unconfirmed().increment();
                    LOG.warnf("Publishing %d event(s) failed; not acknowledged, the relay will publish them: %s",
                            written.size(), f.toString());
                    return new ChangeNotConfirmed(f);
                })
                .chain(appended -> acks.await(appended));
    }

    /** One price of a batch. */
    public record PriceUpdate(String id, BigDecimal price) {
    }

    /** One result of a batch: status 200 with the new version, or 404. */
    @RegisterForReflection
    public record BatchResult(String id, int status, @JsonInclude(JsonInclude.Include.NON_NULL) Long version) {
    }
}
