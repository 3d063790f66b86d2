package io.catalog.cache;

/** Cache keys of the catalog's representations (L1 keys; L2 keys of aggregates add the generation). */
public final class Keys {

    private Keys() {
    }

    public static String product(String id) {
        return "p:" + id;
    }

    public static String summary(String category) {
        return "s:" + category;
    }

    public static String page(String category, int limit, String cursor) {
        return "l:" + (category == null ? "*" : category) + ":" + limit + ":" + (cursor == null ? "" : cursor);
    }

    /** The L2 key of an aggregate at a generation: a new generation names a new key. */
    public static String atGeneration(String key, long generation) {
        return key + "@" + generation;
    }
}
