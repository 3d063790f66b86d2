package io.catalog.service;

import io.catalog.cache.Served;
import io.smallrye.mutiny.Uni;

/** The public read path: every representation the public GETs serve, from whichever tier has it. */
public interface CatalogReads {

    /** A product, or an absent value (404). */
    Uni<Served> product(String id);

    /** {@link #product} for a request whose L1 lookup was made already and missed (the HTTP fast path made it). */
    default Uni<Served> productAfterL1Miss(String id) {
        return product(id);
    }

    /**
     * A page of products.
     *
     * @param category the category, or {@code null} for all products
     * @param cursor a cursor this service issued for this listing and {@code limit}, or {@code null} for the first page
     */
    Uni<Served> page(String category, int limit, String cursor);

    /** A category's summary, or an absent value (404) when it has no products. */
    Uni<Served> summary(String category);

    /** The listing name that cursors of a category's (or the whole catalog's) pages are bound to. */
    static String listing(String category) {
        return category == null ? "*" : category;
    }
}
