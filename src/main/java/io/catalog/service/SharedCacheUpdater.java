package io.catalog.service;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import io.catalog.cache.L2Cache;
import io.catalog.config.CatalogConfig;
import io.catalog.config.CatalogConfig.WriteMode;
import io.catalog.events.BeforePublish;
import io.catalog.events.EventSink.OutboundEvent;
import io.catalog.model.Keys;
import io.catalog.store.StoredProduct;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Brings L2 up to date before an event is published. In {@code cache-aside} mode each changed product's entry
 * becomes a version marker; in {@code write-through} mode it becomes the new document itself. Both are
 * compare-and-set on the version, so a late relay never rolls an entry back. Either fails the publish when Redis does
 * not confirm it (a timeout included): the relay retries, and the event is not appended before L2 holds the change.
 * Aggregates need nothing here: list pages' ids are keyed by their listing's membership generation, raised by the relay
 * for every join and leave, pages and summaries are assembled from the product entries and Redis' summaries, and the
 * lab's baselines key theirs by the category generation, which the relay raises for them.
 */
@ApplicationScoped
@Typed(SharedCacheUpdater.class)
public class SharedCacheUpdater implements BeforePublish {

    private final L2Cache l2;
    private final ProductDocuments documents;
    private final boolean writeThrough;
    private final Duration ttl;

    public SharedCacheUpdater(L2Cache l2, ProductDocuments documents, CatalogConfig config) {
        this.l2 = l2;
        this.documents = documents;
        this.writeThrough = config.cache().writeMode() == WriteMode.WRITE_THROUGH;
        this.ttl = config.l2().productTtl();
    }

    @Override
    public Uni<Void> run(List<StoredProduct> items, List<OutboundEvent> events) {
        return Multi.createFrom().iterable(items)
                .onItem().transformToUni(this::update).merge(32)
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> update(StoredProduct item) {
        String key = Keys.product(item.id());
        if (writeThrough) {
            return l2.write(key, documents.of(item.id(), Optional.of(item)), ttl);
        }
        return l2.invalidate(key, item.product().sequence(), ttl);
    }
}
