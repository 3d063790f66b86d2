package io.catalog.model;

/**
 * Cache keys of the catalog's representations and the dependency tokens that events raise. A product's key is also
 * its token: a product document depends on that product only. Aggregates depend on a category token (or on every
 * product, {@link #ALL_PRODUCTS}); their L2 keys add the category's generation.
 */
public final class Keys {

    /** The token of every unfiltered listing: it depends on every product. */
    public static final String ALL_PRODUCTS = "c:*";

    /** The listing name of the unfiltered listing (every product), as cursors and membership tokens name it. */
    public static final String EVERY_LISTING = "*";

    private Keys() {
    }

    /** The cache key of a product document, and the token it depends on. */
    public static String product(String id) {
        return "p:" + id;
    }

    /** The token that the aggregates of {@code category} depend on. */
    public static String category(String category) {
        return "c:" + category;
    }

    /**
     * The token of a listing's membership (which products it holds, in order): raised only when a product joins or
     * leaves it, never by a price change.
     *
     * @param listing a category, or {@link #EVERY_LISTING}
     */
    public static String members(String listing) {
        return "m:" + listing;
    }

    public static String summary(String category) {
        return "s:" + category;
    }

    /**
     * The cache key of a page: its listing, its (canonical) size and its position, the id it starts after
     * ({@code null} for the first page); never a client's text.
     */
    public static String page(String category, int size, String afterId) {
        return "l:" + (category == null ? "*" : category) + ":" + size + ":" + (afterId == null ? "" : afterId);
    }

    /** The L2 key of a page's id list (never the key of a whole page: the two hold different documents). */
    public static String ids(String pageKey) {
        return pageKey + "#ids";
    }

    /** The L2 key of an aggregate at a generation: a new generation names a new key. */
    public static String atGeneration(String key, long generation) {
        return key + "@" + generation;
    }
}
