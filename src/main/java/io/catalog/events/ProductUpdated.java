package io.catalog.events;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The one event of the catalog: a product was created, changed or deleted (API.md section 4). {@code sequence}
 * is global and strictly increasing; it is the version stamp every cache tier compares.
 *
 * Readers ignore fields they do not know, so that pods of an older version keep applying the events of a newer one.
 *
 * @param previousCategory the category before this change when it moved the product, else {@code null}
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({ "type", "productId", "category", "version", "sequence", "price", "previousPrice", "deleted",
        "occurredAt" })
public record ProductUpdated(String type, String productId, String category, long version, long sequence,
        BigDecimal price, BigDecimal previousPrice, boolean deleted, Instant occurredAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String previousCategory) {

    public static final String TYPE = "ProductUpdated";

    public static ProductUpdated of(String productId, String category, long version, long sequence, BigDecimal price,
            BigDecimal previousPrice, boolean deleted, Instant occurredAt, String previousCategory) {
        return new ProductUpdated(TYPE, productId, category, version, sequence, price, previousPrice, deleted,
                occurredAt, previousCategory);
    }

    /** Whether this change moved the product out of another category. */
    public boolean moved() {
        return previousCategory != null && !previousCategory.equals(category);
    }
}
