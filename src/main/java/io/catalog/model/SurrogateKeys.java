package io.catalog.model;

import java.util.List;

/** The edge's purge keys ({@code Surrogate-Key}): what each representation depends on. */
public final class SurrogateKeys {

    /** The header that carries them, space-separated (Varnish's xkey, Fastly). */
    public static final String HEADER = "Surrogate-Key";
    /** The same keys, comma-separated, in the header that CloudFront's cache-tag setting names. */
    public static final String TAG_HEADER = "Cache-Tag";

    /** On every unfiltered listing; purged by every change. */
    public static final String ALL_PRODUCTS = "products";

    private SurrogateKeys() {
    }

    public static String product(String id) {
        return "product-" + id;
    }

    public static String category(String category) {
        return "category-" + category;
    }

    public static List<String> of(Product product) {
        return List.of(product(product.id()), category(product.category()));
    }

    public static List<String> listing(String category) {
        return category == null ? List.of(ALL_PRODUCTS) : List.of(category(category));
    }
}
