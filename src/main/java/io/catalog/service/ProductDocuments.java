package io.catalog.service;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.cache.CachedValue;
import io.catalog.cache.ProductValues;
import io.catalog.model.Product;
import io.catalog.store.StoredProduct;

/**
 * A product's public representation from the store: the bytes, ETag, version and purge keys that every tier caches
 * and that {@code If-Match} is checked against (built by {@link ProductValues}, which events use too).
 */
@ApplicationScoped
public class ProductDocuments {

    private final ProductValues values;

    public ProductDocuments(ProductValues values) {
        this.values = values;
    }

    /** The cacheable value of product {@code id}: its document, or a negative entry when absent or deleted. */
    public CachedValue of(String id, Optional<StoredProduct> stored) {
        if (stored.isEmpty()) {
            return values.absent(id, 0);
        }
        Product product = stored.get().product();
        return stored.get().live() ? of(product) : values.absent(id, product.sequence());
    }

    /** The value of a live product. */
    public CachedValue of(Product product) {
        return values.of(product);
    }

    /** The ETag of a live product's representation, as the public GET serves it. */
    public String etag(Product product) {
        return of(product).etag();
    }
}
