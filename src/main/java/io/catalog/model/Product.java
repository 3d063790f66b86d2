package io.catalog.model;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A product as clients see it. {@code sequence} is the global event sequence of its latest change: the
 * version stamp that every cache tier and the edge align on (API.md, {@code X-Cache-Version}).
 */
@RegisterForReflection
public record Product(String id, String name, String category, BigDecimal price, String currency, long version,
        Instant updatedAt, @JsonIgnore long sequence) {

    /** This product with another price, one version later. */
    public Product withPrice(BigDecimal newPrice, long newSequence, Instant now) {
        return new Product(id, name, category, newPrice, currency, version + 1, now, newSequence);
    }
}
