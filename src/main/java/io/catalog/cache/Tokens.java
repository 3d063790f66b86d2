package io.catalog.cache;

/** Dependency tokens: what a cached value must be invalidated by. */
public final class Tokens {

    /** Every unfiltered listing depends on every product. */
    public static final String ALL = "c:*";

    private Tokens() {
    }

    public static String product(String id) {
        return "p:" + id;
    }

    public static String category(String category) {
        return "c:" + category;
    }
}
