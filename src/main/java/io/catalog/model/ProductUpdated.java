package io.catalog.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The one event of the catalog: a product was created, changed or deleted (API.md section 4). {@code sequence}
 * is unique across the catalog and above every sequence its writer had heard of (it rises with every change of a
 * product); it is the version stamp every cache tier compares.
 *
 * Readers ignore fields they do not know, so that pods of an older version keep applying the events of a newer one.
 *
 * @param previousCategory the category before this change when it moved the product, else {@code null}
 * @param name the product's name after the change (with {@code currency}: what a pod needs to hold the new version
 *        without reading the store; absent in events of older writers)
 * @param currency the product's currency after the change
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({ "type", "productId", "category", "version", "sequence", "price", "previousPrice", "deleted",
        "occurredAt" })
public record ProductUpdated(String type, String productId, String category, long version, long sequence,
        BigDecimal price, BigDecimal previousPrice, boolean deleted, Instant occurredAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String previousCategory,
        @JsonInclude(JsonInclude.Include.NON_NULL) String name,
        @JsonInclude(JsonInclude.Include.NON_NULL) String currency) {

    public static final String TYPE = "ProductUpdated";

    /** An event without the product's document (name, currency): pods can only invalidate on it. */
    public static ProductUpdated of(String productId, String category, long version, long sequence, BigDecimal price,
            BigDecimal previousPrice, boolean deleted, Instant occurredAt, String previousCategory) {
        return new ProductUpdated(TYPE, productId, category, version, sequence, price, previousPrice, deleted,
                occurredAt, previousCategory, null, null);
    }

    /** The event of a change to {@code product} (its state after the change, {@code occurredAt} = its updatedAt). */
    public static ProductUpdated of(Product product, BigDecimal previousPrice, boolean deleted,
            String previousCategory) {
        return new ProductUpdated(TYPE, product.id(), product.category(), product.version(), product.sequence(),
                product.price(), previousPrice, deleted, product.updatedAt(), previousCategory, product.name(),
                product.currency());
    }

    /**
     * The product as this change left it (for a delete, its last state), exactly as the store then holds it; empty
     * when the event does not carry the document (an older writer's event).
     */
    public Optional<Product> product() {
        if (name == null || currency == null || price == null) {
            return Optional.empty();
        }
        return Optional.of(new Product(productId, name, category, Money.normalize(price), currency, version,
                occurredAt, sequence));
    }

    /**
     * What this change touches: the categories whose aggregates it changes, its own and, when it moved the product,
     * the one it left. Every unfiltered listing is touched too. The one place that knows it: the cache floors, the
     * category generations and the edge purge keys all derive from it.
     */
    public List<String> categories() {
        return previousCategory == null || previousCategory.equals(category) ? List.of(category)
                : List.of(category, previousCategory);
    }

    /**
     * The dependency tokens this change raises ({@link Keys}): the product, its categories, every listing, and the
     * membership of the listings it joins or leaves.
     */
    public List<String> tokens() {
        List<String> tokens = new ArrayList<>(7);
        tokens.add(Keys.product(productId));
        categories().forEach(c -> tokens.add(Keys.category(c)));
        tokens.add(Keys.ALL_PRODUCTS);
        membershipListings().forEach(l -> tokens.add(Keys.members(l)));
        return tokens;
    }

    /** Whether this change created the product (or created it again after a delete). */
    public boolean created() {
        return version == 1 && !deleted;
    }

    /**
     * The listings ({@code *} for the unfiltered one, else a category) whose membership this change alters: a
     * creation or a delete alters its category's and the unfiltered listing, a move the two categories'. Empty for a
     * change of price or name, which changes no listing's ids.
     */
    public List<String> membershipListings() {
        if (created() || deleted) {
            return List.of(category, Keys.EVERY_LISTING);
        }
        return moved() ? List.of(category, previousCategory) : List.of();
    }

    /** The edge's purge keys of this change ({@link SurrogateKeys}). */
    public List<String> surrogateKeys() {
        List<String> keys = new ArrayList<>(4);
        keys.add(SurrogateKeys.product(productId));
        categories().forEach(c -> keys.add(SurrogateKeys.category(c)));
        keys.add(SurrogateKeys.ALL_PRODUCTS);
        return keys;
    }

    /** Whether this change moved the product out of another category. */
    public boolean moved() {
        return previousCategory != null && !previousCategory.equals(category);
    }
}
