package io.catalog.rest;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.catalog.model.ProductUpdated;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The {@code data} of one {@code event: product} of {@code GET /events/products} (API.md section 3). */
@RegisterForReflection
@JsonPropertyOrder({ "id", "category", "price", "currency", "version", "sequence", "deleted" })
public record LiveChange(String id, String category, BigDecimal price, String currency, long version, long sequence,
        boolean deleted) {

    static LiveChange of(ProductUpdated event, String currency) {
        return new LiveChange(event.productId(), event.category(), event.price(), currency, event.version(),
                event.sequence(), event.deleted());
    }
}
