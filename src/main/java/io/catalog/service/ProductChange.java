package io.catalog.service;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

import io.catalog.model.Product;
import io.catalog.model.ProductUpdated;

/**
 * What an admin write does to a product, decided against its current state (absent when it does not exist).
 */
@FunctionalInterface
interface ProductChange {

    /** The next state, or empty when the product must exist and does not (404). */
    Optional<Next> decide(Optional<Product> current);

    /** The state a write leads to. */
    record Next(String name, String category, BigDecimal price, boolean deleted) {

        /** The product after this change of {@code live} (empty: it did not exist), at {@code sequence}. */
        Product product(String id, Optional<Product> live, long sequence, Instant now, String currency) {
            long version = live.map(p -> p.version() + 1).orElse(1L);
            return new Product(id, name, category, price, currency, version, now, sequence);
        }

        /** The event of this change, which left the product at {@code product}. */
        ProductUpdated event(Product product, Optional<Product> live) {
            String previousCategory = live.map(Product::category).filter(c -> !c.equals(category)).orElse(null);
            return ProductUpdated.of(product, live.map(Product::price).orElse(null), deleted, previousCategory);
        }
    }

    static ProductChange replace(String name, String category, BigDecimal price) {
        return current -> Optional.of(new Next(name, category, price, false));
    }

    static ProductChange price(BigDecimal price) {
        return current -> current.map(p -> new Next(p.name(), p.category(), price, false));
    }

    static ProductChange delete() {
        return current -> current.map(p -> new Next(p.name(), p.category(), p.price(), true));
    }
}
