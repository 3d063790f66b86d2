package io.catalog.service;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.catalog.model.Product;
import io.catalog.store.PendingEvent;
import io.catalog.store.Sequences;
import io.catalog.store.StoredProduct;

/**
 * A conditional write whose condition failed: the product as it assumed it, what it tried to store (the new state with
 * its event, alone in the outbox here) and the published events it removed from the outbox. The condition also fails
 * when the write itself landed and its answer was lost (an attempt that timed out, or failed after DynamoDB applied
 * it): the SDK sends the same request again, which finds the item already changed, by this very write. The next read
 * tells them apart ({@link #landedIn}), and {@link CatalogWriter} answers a write that landed as stored, once: not
 * written a second time (a second version of a price change, or an older price put back over a newer one), nor
 * answered 404 (a delete that deleted), 412 (an If-Match that was met) or "updated" (a creation).
 */
record TriedWrite(Optional<Product> before, StoredProduct intended, Set<Long> published) {

    /** No write failed yet. */
    static final TriedWrite NONE = new TriedWrite(Optional.empty(), null, Set.of());

    /** The write of {@code product} with {@code event} that failed its condition. */
    static TriedWrite of(Optional<Product> before, Product product, boolean deleted, PendingEvent event,
            Set<Long> published) {
        return new TriedWrite(before, new StoredProduct(product, deleted, List.of(event)), published);
    }

    /** This write's event: its sequence and its JSON. */
    private PendingEvent event() {
        return intended.outbox().get(0);
    }

    /** Whether {@code item}'s outbox still holds this write's event, its sequence and its very JSON. */
    boolean eventIn(StoredProduct item) {
        PendingEvent event = event();
        return item.outbox().stream().anyMatch(e -> e.sequence() == event.sequence() && e.json().equals(event.json()));
    }

    /**
     * Whether {@code current}, read after this write failed, holds this write: its outbox still holds this write's
     * event ({@link #eventIn}, whatever was written on top of it since), or the item is at this write's sequence with
     * this write's version and time (the relay published and cleared the event already). A sequence is one write's
     * alone while the counter never goes back ({@link Sequences}); the event's JSON and the time tell this write from
     * another one even if it did.
     */
    boolean landedIn(Optional<StoredProduct> current) {
        if (intended == null || current.isEmpty()) {
            return false;
        }
        StoredProduct item = current.get();
        Product product = item.product();
        return eventIn(item)
                || product.sequence() == event().sequence() && product.version() == intended.product().version()
                        && product.updatedAt().equals(intended.product().updatedAt())
                        && item.deleted() == intended.deleted();
    }
}
