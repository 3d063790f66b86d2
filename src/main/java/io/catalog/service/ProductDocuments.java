package io.catalog.service;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.cache.CachedValue;
import io.catalog.model.Keys;
import io.catalog.model.Product;
import io.catalog.model.SurrogateKeys;
import io.catalog.store.StoredProduct;
import io.catalog.support.Json;

/**
 * A product's public representation: the one place that turns a stored product into the bytes, ETag, version and
 * purge keys that every tier caches and that {@code If-Match} is checked against.
 */
@ApplicationScoped
public class ProductDocuments {

    private final Json json;

    public ProductDocuments(Json json) {
        this.json = json;
    }

    /** The cacheable value of product {@code id}: its document, or a negative entry when absent or deleted. */
    public CachedValue of(String id, Optional<StoredProduct> stored) {
        String token = Keys.product(id);
        if (stored.isEmpty()) {
            return CachedValue.absent(0, token, List.of(SurrogateKeys.product(id)));
        }
        Product product = stored.get().product();
        if (!stored.get().live()) {
            return CachedValue.absent(product.sequence(), token, List.of(SurrogateKeys.product(id)));
        }
        return of(product);
    }

    /** The value of a live product. */
    public CachedValue of(Product product) {
        return CachedValue.found(json.write(product), product.sequence(), Keys.product(product.id()),
                SurrogateKeys.of(product));
    }

    /** The ETag of a live product's representation, as the public GET serves it. */
    public String etag(Product product) {
        return of(product).etag();
    }
}
