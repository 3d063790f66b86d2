package io.catalog.service;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.catalog.cache.CacheCoherence;
import io.catalog.config.CatalogConfig;
import io.catalog.model.Money;
import io.catalog.model.Product;
import io.catalog.service.ProductChange.Next;
import io.catalog.store.ProductStore;
import io.catalog.store.Sequences;
import io.catalog.store.StoredProduct;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Sets many prices at once ({@code POST /admin/prices/batch}) the way {@link CatalogWriter} sets one: the items this
 * pod holds in L1 are not read (their sequence there is what each write's condition checks), the others are read in
 * one strongly consistent batch read; then one block of sequence numbers, one conditional UpdateItem per item with
 * bounded concurrency ({@code catalog.dynamodb.write-concurrency}), each setting the price and appending its event to
 * the item's outbox (the same request a single PATCH sends), this pod holding each item's new version as its write
 * returns, and one publish and one wait for the other pods for the whole batch. An item whose write finds it changed
 * since (written concurrently by someone else, or L1 was behind) is written again on its own ({@link
 * CatalogWriter#withRead}: read first). An item read with a full outbox refuses the batch (503 {@code events-pending})
 * before anything is written; one held in L1 whose outbox turns out full fails it when its write is refused, the items
 * written before it published all the same (503, {@link ChangeNotConfirmed}: the batch can be sent again, it sets the
 * same prices).
 */
@ApplicationScoped
public class BatchWriter {

    private final CatalogWriter writer;
    private final ProductStore store;
    private final Sequences sequences;
    /**
     * A batch publishes what it has written at least this often, well within the relay's sweep grace (5 s after an
     * event occurred): a batch slowed down (a cold JIT, a loaded machine) must not leave its first events to the other
     * pods' sweeps, which would publish and clear them a second time while it runs, and slow it down further (seen: a
     * 1,000-item batch that took 6-11 s while both other pods swept it). A batch done within it publishes once.
     */
    static final Duration PUBLISH_EVERY = Duration.ofSeconds(1);

    private final WriteAcknowledgement acknowledgement;
    private final CacheCoherence coherence;
    private final int concurrency;

    public BatchWriter(CatalogWriter writer, ProductStore store, Sequences sequences,
            WriteAcknowledgement acknowledgement, CacheCoherence coherence, CatalogConfig config) {
        this.writer = writer;
        this.store = store;
        this.sequences = sequences;
        this.acknowledgement = acknowledgement;
        this.coherence = coherence;
        this.concurrency = config.dynamodb().writeConcurrency();
    }

    /** Sets every price of {@code updates}; per item, 200 with the new version or 404. */
    @WithSpan("catalog.write")
    public Uni<List<BatchResult>> batchPrices(List<PriceUpdate> updates) {
        long epoch = coherence.l1().epoch();
        Map<String, Product> held = new HashMap<>();
        List<String> unheld = new ArrayList<>();
        for (PriceUpdate update : updates) {
            writer.held(update.id()).ifPresentOrElse(p -> held.put(p.id(), p), () -> unheld.add(update.id()));
        }
        Uni<Map<String, StoredProduct>> read = unheld.isEmpty() ? Uni.createFrom().item(Map.of())
                : Uni.createFrom().deferred(() -> {
                    writer.meters().cold().increment(unheld.size());
                    return store.readConsistent(unheld);
                });
        return read.chain(found -> {
            Optional<StoredProduct> full = found.values().stream()
                    .filter(item -> item.live() && item.outbox().size() >= CatalogWriter.MAX_PENDING).findFirst();
            if (full.isPresent()) {
                // refused before anything is written
                return writer.refuse(full.get().id());
            }
            Map<String, Product> current = new HashMap<>(held);
            found.values().stream().filter(StoredProduct::live).forEach(item -> current.put(item.id(), item.product()));
            List<PriceUpdate> known = updates.stream().filter(u -> current.containsKey(u.id())).toList();
            if (known.isEmpty()) {
                return Uni.createFrom().item(results(updates, Map.of()));
            }
            long bound = known.stream().mapToLong(u -> {
                Product p = current.get(u.id());
                return writer.bound(p.sequence(), p.id(), Optional.of(p), next(p, u));
            }).max().orElse(0);
            return sequences.above(bound, known.size()).chain(first -> writeAll(known, current, first, epoch))
                    .map(written -> results(updates, written));
        });
    }

    private static Next next(Product current, PriceUpdate update) {
        return ProductChange.price(Money.normalize(update.price())).decide(Optional.of(current)).orElseThrow();
    }

    /**
     * The writes, publishes and wait of a batch. A write refused because its item's outbox is full (a held item,
     * whose outbox this pod did not read) fails the batch once others may be stored: those are published all the same
     * and the answer is {@link ChangeNotConfirmed} (503: stored, not confirmed), never "nothing was changed".
     */
    private Uni<Map<String, WriteResult>> writeAll(List<PriceUpdate> known, Map<String, Product> current, long first,
            long epoch) {
        Map<String, WriteResult> results = new ConcurrentHashMap<>();
        PublishChunks chunks = new PublishChunks(PUBLISH_EVERY.toNanos(), System.nanoTime());
        List<Uni<Void>> published = Collections.synchronizedList(new ArrayList<>());
        return Multi.createFrom().range(0, known.size())
                .onItem().transformToUni(i -> writeOne(known.get(i), current.get(known.get(i).id()), first + i,
                        epoch, results).invoke(written -> {
                            // a chunk is cut as items are written, and as items written again on their own return
                            List<StoredProduct> due = chunks.add(written, System.nanoTime());
                            if (due != null) {
                                published.add(acknowledgement.publishingApplied(due));
                            }
                        }))
                .merge(concurrency)
                .collect().last()
                .onFailure().call(() -> acknowledgement.publishingApplied(chunks.rest()).onFailure().recoverWithNull())
                .onFailure(OutboxFull.class).transform(full -> stored(results) ? new ChangeNotConfirmed(full) : full)
                .chain(() -> {
                    published.add(acknowledgement.publishedApplied(chunks.rest(), null));
                    return Uni.join().all(List.copyOf(published)).andFailFast();
                })
                .replaceWith(results);
    }

    /**
     * One write of a batch; this pod holds its event as soon as it is stored, while the others are in flight. The item
     * as written, to publish, or nothing when it was written again on its own (which published it).
     */
    private Uni<Optional<StoredProduct>> writeOne(PriceUpdate update, Product current, long sequence, long epoch,
            Map<String, WriteResult> results) {
        return writer.update(update.id(), current, next(current, update), sequence).chain(updated -> {
            Optional<StoredProduct> written = updated.written();
            if (written.isPresent()) {
                writer.meters().unread().increment();
                acknowledgement.applyOwn(written.get(), epoch);
                results.put(update.id(), CatalogWriter.result(Optional.of(current), written.get()));
                return Uni.createFrom().item(written);
            }
            writer.meters().changed().increment();
            return writer.withRead(update.id(), null, ProductChange.price(Money.normalize(update.price())),
                    updated.tried())
                    .invoke(r -> results.put(update.id(), r)).replaceWith(Optional.<StoredProduct> empty());
        });
    }

    /** Whether any item of the batch was stored (written, or written again on its own). */
    private static boolean stored(Map<String, WriteResult> results) {
        return results.values().stream().anyMatch(r -> r.product() != null);
    }

    private static List<BatchResult> results(List<PriceUpdate> updates, Map<String, WriteResult> written) {
        return updates.stream().map(u -> {
            WriteResult r = written.get(u.id());
            return r == null || r.product() == null ? new BatchResult(u.id(), 404, null)
                    : new BatchResult(u.id(), 200, r.product().version());
        }).toList();
    }

    /** One price of a batch. */
    public record PriceUpdate(String id, BigDecimal price) {
    }

    /** One result of a batch: status 200 with the new version, or 404. */
    @RegisterForReflection
    public record BatchResult(String id, int status, @JsonInclude(JsonInclude.Include.NON_NULL) Long version) {
    }
}
