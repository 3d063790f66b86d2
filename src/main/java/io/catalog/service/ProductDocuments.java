package io.catalog.service;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.cache.CachedValue;
import io.catalog.cache.ProductValues;
import io.catalog.model.Product;
import io.catalog.store.StoredProduct;
import io.catalog.support.Json;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A product's public representation from the store: the bytes, ETag, version and purge keys that every tier caches
 * and that {@code If-Match} is checked against (built by {@link ProductValues}, which events use too).
 */
@ApplicationScoped
public class ProductDocuments {

    private final ProductValues values;

    private final Json json;

    public ProductDocuments(ProductValues values, Json json) {
        this.values = values;
        this.json = json;
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

    /**
     * The live product a cached value shows, with the sequence the value carries beside its document; empty for no
     * value or a negative entry. A writer assumes it, and its conditional write checks it.
     */
    public Optional<Product> product(CachedValue cached) {
        if (cached == null || !cached.exists()) {
            return Optional.empty();
        }
        Shown p = json.read(cached.body(), Shown.class);
        return Optional.of(new Product(p.id(), p.name(), p.category(), p.price(), p.currency(), p.version(),
                p.updatedAt(), cached.version()));
    }

    /** A product's public document: a {@link Product} without its sequence, which tiers keep beside it. */
    @RegisterForReflection
    record Shown(String id, String name, String category, BigDecimal price, String currency, long version,
            Instant updatedAt) {
    }

    /** The ETag of a live product's representation, as the public GET serves it. */
    public String etag(Product product) {
        return of(product).etag();
    }
}
