package io.catalog.service;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.catalog.cache.CacheCoherence;
import io.catalog.config.CatalogConfig;
import io.catalog.events.OutboxClears;
import io.catalog.model.Money;
import io.catalog.model.Product;
import io.catalog.service.ProductChange.Next;
import io.catalog.store.PendingEvent;
import io.catalog.store.ProductStore;
import io.catalog.store.Sequences;
import io.catalog.store.StoredProduct;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Sets many prices at once ({@code POST /admin/prices/batch}): one strongly consistent batch read, one block of
 * sequence numbers, conditional puts with bounded concurrency ({@code catalog.dynamodb.write-concurrency}), this pod
 * holding each item's new version as its put returns, and one publish and one wait for the other pods for the whole
 * batch. The batch is refused (503) before anything is written when an item's outbox is full; an item written
 * concurrently by someone else is written again on its own ({@link CatalogWriter#patchPrice}). Each put also drops the
 * item's events that this pod published and has not cleared yet ({@link OutboxClears}).
 */
@ApplicationScoped
public class BatchWriter {

    private final CatalogWriter writer;
    private final ProductStore store;
    private final Sequences sequences;
    private final WriteAcknowledgement acknowledgement;
    private final CacheCoherence coherence;
    private final OutboxClears clears;
    private final int concurrency;

    public BatchWriter(CatalogWriter writer, ProductStore store, Sequences sequences,
            WriteAcknowledgement acknowledgement, CacheCoherence coherence, OutboxClears clears, CatalogConfig config) {
        this.writer = writer;
        this.store = store;
        this.sequences = sequences;
        this.acknowledgement = acknowledgement;
        this.coherence = coherence;
        this.clears = clears;
        this.concurrency = config.dynamodb().writeConcurrency();
    }

    /** Sets every price of {@code updates}; per item, 200 with the new version or 404. */
    @WithSpan("catalog.write")
    public Uni<List<BatchResult>> batchPrices(List<PriceUpdate> updates) {
        List<String> ids = updates.stream().map(PriceUpdate::id).toList();
        long epoch = coherence.l1().epoch();
        return store.readConsistent(ids).chain(found -> {
            List<PriceUpdate> known = updates.stream()
                    .filter(u -> found.containsKey(u.id()) && found.get(u.id()).live()).toList();
            if (known.isEmpty()) {
                return Uni.createFrom().item(results(updates, Map.of()));
            }
            Optional<StoredProduct> full = known.stream().map(u -> found.get(u.id()))
                    .filter(item -> item.outbox().size() >= CatalogWriter.MAX_PENDING).findFirst();
            if (full.isPresent()) {
                // the whole batch is refused before anything is written: it either applies or changes nothing
                return writer.refuse(full.get().id());
            }
            long bound = known.stream().mapToLong(u -> {
                Product p = found.get(u.id()).product();
                return writer.bound(p.sequence(), p.id(), Optional.of(p),
                        new Next(p.name(), p.category(), Money.normalize(u.price()), false));
            }).max().orElse(0);
            return sequences.above(bound, known.size()).chain(first -> writeAll(known, found, first, epoch))
                    .map(written -> results(updates, written));
        });
    }

    private Uni<Map<String, WriteResult>> writeAll(List<PriceUpdate> known, Map<String, StoredProduct> found, long first,
            long epoch) {
        List<StoredProduct> publishable = Collections.synchronizedList(new ArrayList<>());
        Map<String, WriteResult> results = new ConcurrentHashMap<>();
        return Multi.createFrom().range(0, known.size())
                .onItem().transformToUni(i -> writeOne(known.get(i), found.get(known.get(i).id()), first + i,
                        epoch, publishable, results))
                .merge(concurrency)
                .collect().last()
                .chain(() -> acknowledgement.publishedApplied(publishable, null))
                .replaceWith(results);
    }

    /** One put of a batch; this pod holds its event as soon as it is stored, while the others are in flight. */
    private Uni<Void> writeOne(PriceUpdate update, StoredProduct current, long sequence, long epoch,
            List<StoredProduct> publishable, Map<String, WriteResult> results) {
        BigDecimal price = Money.normalize(update.price());
        Set<Long> published = clears.of(update.id());
        List<PendingEvent> pending = current.outbox().stream().filter(e -> !published.contains(e.sequence())).toList();
        StoredProduct base = new StoredProduct(current.product(), current.deleted(), pending);
        StoredProduct written = writer.apply(update.id(), Optional.of(base), ProductChange.price(price)
                .decide(Optional.of(current.product())).orElseThrow(), sequence);
        return writer.write(written, Optional.of(current)).chain(ok -> {
            if (ok) {
                clears.removed(update.id(), published);
                acknowledgement.applyOwn(written, epoch);
                publishable.add(written);
                results.put(update.id(), CatalogWriter.result(Optional.of(current.product()), written));
                return Uni.createFrom().voidItem();
            }
            return writer.patchPrice(update.id(), price, null).invoke(r -> results.put(update.id(), r))
                    .replaceWithVoid();
        });
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
