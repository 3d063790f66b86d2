package io.catalog.service;

import java.math.BigDecimal;
import java.util.Optional;

import io.catalog.model.Product;

/**
 * What an admin write does to a product, decided against its current state (absent when it does not exist).
 */
@FunctionalInterface
interface ProductChange {

    /** The next state, or empty when the product must exist and does not (404). */
    Optional<Next> decide(Optional<Product> current);

    /** The state a write leads to. */
    record Next(String name, String category, BigDecimal price, boolean deleted) {
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
