package io.catalog.cache;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.model.Keys;
import io.catalog.model.Product;
import io.catalog.model.ProductUpdated;
import io.catalog.model.SurrogateKeys;
import io.catalog.support.Json;

/**
 * The one place that turns a product into the value every tier caches: its body bytes, ETag, version, token and
 * purge keys. The same value comes from a store read and from an event that carries the product's document, so a
 * pod that applies an event holds exactly what a reload would have given it.
 */
@ApplicationScoped
public class ProductValues {

    private final Json json;

    public ProductValues(Json json) {
        this.json = json;
    }

    /** The value of a live product. */
    public CachedValue of(Product product) {
        return CachedValue.found(json.write(product), product.sequence(), Keys.product(product.id()),
                SurrogateKeys.of(product));
    }

    /** The negative entry of a product that does not exist (0) or was deleted at {@code sequence}. */
    public CachedValue absent(String id, long sequence) {
        return CachedValue.absent(sequence, Keys.product(id), List.of(SurrogateKeys.product(id)));
    }

    /** The value an event leaves its product at, or empty when the event does not carry the document. */
    public Optional<CachedValue> of(ProductUpdated event) {
        return event.product().map(p -> event.deleted() ? absent(p.id(), p.sequence()) : of(p));
    }
}
