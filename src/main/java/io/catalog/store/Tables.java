package io.catalog.store;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.config.CatalogConfig;

/**
 * Table, index and attribute names. The products table holds live products and tombstones of deleted ones;
 * each item also holds its own not-yet-published events (the outbox), so that a write and its event are one
 * atomic single-item write, which works the same on DynamoDB and on dynalite (no transactions needed).
 */
@ApplicationScoped
public class Tables {

    public static final String ID = "id";
    public static final String NAME = "name";
    public static final String CATEGORY = "category";
    /** Category of a tombstone; {@link #CATEGORY} is removed on delete so tombstones leave the category index. */
    public static final String DELETED_CATEGORY = "deletedCategory";
    public static final String PRICE = "price";
    public static final String VERSION = "version";
    public static final String UPDATED_AT = "updatedAt";
    public static final String SEQUENCE = "seq";
    public static final String DELETED = "deleted";
    /** Pending events (JSON strings, oldest first) not yet confirmed published. */
    public static final String OUTBOX = "outbox";
    /** Sparse index key: present only while the outbox is not empty. */
    public static final String OUTBOX_SHARD = "outboxShard";
    /** Sequence of the newest pending event. */
    public static final String OUTBOX_SEQ = "outboxSeq";
    /** Epoch seconds after which DynamoDB TTL may remove a tombstone. */
    public static final String EXPIRES_AT = "expiresAt";

    public static final String CATEGORY_INDEX = "category-index";
    public static final String OUTBOX_INDEX = "outbox-index";
    public static final int OUTBOX_SHARDS = 8;

    public static final String COUNTER_NAME = "name";
    public static final String COUNTER_VALUE = "value";
    public static final String COUNTER_UPDATED_AT = "updatedAt";
    public static final String EVENT_SEQUENCE = "event-sequence";

    private final String products;
    private final String counters;

    public Tables(CatalogConfig config) {
        String prefix = config.dynamodb().tablePrefix();
        this.products = prefix + "products";
        this.counters = prefix + "counters";
    }

    public String products() {
        return products;
    }

    public String counters() {
        return counters;
    }

    /** Counter item holding the generation of a category: the sequence of its latest change. */
    public static String categoryGeneration(String category) {
        return "category#" + category;
    }

    /** Counter item holding the generation of the whole catalog (unfiltered listings). */
    public static String catalogGeneration() {
        return "category#*";
    }

    /**
     * Counter item holding the membership generation of a listing (a category, or {@code *} for every product): the
     * sequence of the latest change that made a product join or leave it. Versions the listing's id lists.
     */
    public static String membership(String listing) {
        return "members#" + listing;
    }

    /** The outbox index partition of a product, spreading pending items over a few partitions. */
    public static String outboxShard(String id) {
        return "p" + Math.floorMod(id.hashCode(), OUTBOX_SHARDS);
    }
}
