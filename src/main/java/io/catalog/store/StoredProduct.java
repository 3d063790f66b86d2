package io.catalog.store;

import static io.catalog.store.Tables.CATEGORY;
import static io.catalog.store.Tables.DELETED;
import static io.catalog.store.Tables.DELETED_CATEGORY;
import static io.catalog.store.Tables.EXPIRES_AT;
import static io.catalog.store.Tables.ID;
import static io.catalog.store.Tables.NAME;
import static io.catalog.store.Tables.OUTBOX;
import static io.catalog.store.Tables.OUTBOX_SEQ;
import static io.catalog.store.Tables.OUTBOX_SHARD;
import static io.catalog.store.Tables.PRICE;
import static io.catalog.store.Tables.SEQUENCE;
import static io.catalog.store.Tables.UPDATED_AT;
import static io.catalog.store.Tables.VERSION;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.catalog.model.Money;
import io.catalog.model.Product;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One item of the products table: a product or the tombstone of a deleted one, with its pending events.
 *
 * @param product the product; for a tombstone, its last state before deletion
 * @param deleted whether this is a tombstone
 * @param outbox pending events, oldest first
 */
public record StoredProduct(Product product, boolean deleted, List<PendingEvent> outbox) {

    /** How long a tombstone is kept (DynamoDB TTL); long enough for every cache and relay to have seen it. */
    static final Duration TOMBSTONE_RETENTION = Duration.ofDays(7);

    public StoredProduct {
        outbox = List.copyOf(outbox);
    }

    public String id() {
        return product.id();
    }

    public boolean live() {
        return !deleted;
    }

    /** The sequences of its pending events. */
    public Set<Long> pendingSequences() {
        Set<Long> sequences = new HashSet<>();
        outbox.forEach(e -> sequences.add(e.sequence()));
        return sequences;
    }

    /** This item with one more pending event. */
    public StoredProduct with(Product next, boolean nextDeleted, String eventJson) {
        List<PendingEvent> pending = new ArrayList<>(outbox);
        pending.add(new PendingEvent(next.sequence(), eventJson));
        return new StoredProduct(next, nextDeleted, pending);
    }

    public static StoredProduct from(Map<String, AttributeValue> item, String currency) {
        boolean deleted = item.containsKey(DELETED) && Boolean.TRUE.equals(item.get(DELETED).bool());
        String category = deleted ? item.get(DELETED_CATEGORY).s() : item.get(CATEGORY).s();
        Product product = new Product(
                item.get(ID).s(),
                item.get(NAME).s(),
                category,
                Money.normalize(new BigDecimal(item.get(PRICE).n())),
                currency,
                Long.parseLong(item.get(VERSION).n()),
                Instant.parse(item.get(UPDATED_AT).s()),
                Long.parseLong(item.get(SEQUENCE).n()));
        List<PendingEvent> outbox = item.containsKey(OUTBOX) ? PendingEvent.from(item.get(OUTBOX).m()) : List.of();
        return new StoredProduct(product, deleted, outbox);
    }

    /** The whole item, as written by a conditional put. */
    public Map<String, AttributeValue> toItem() {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ID, s(product.id()));
        item.put(NAME, s(product.name()));
        item.put(deleted ? DELETED_CATEGORY : CATEGORY, s(product.category()));
        item.put(PRICE, AttributeValue.fromN(product.price().toPlainString()));
        item.put(VERSION, n(product.version()));
        item.put(UPDATED_AT, s(product.updatedAt().toString()));
        item.put(SEQUENCE, n(product.sequence()));
        if (deleted) {
            item.put(DELETED, AttributeValue.fromBool(true));
            item.put(EXPIRES_AT, n(expiresAt(product.updatedAt())));
        }
        // an empty outbox is an empty map, never absent: a later write appends its event to it in place
        // (ProductStore#update)
        item.put(OUTBOX, PendingEvent.toAttribute(outbox));
        if (!outbox.isEmpty()) {
            item.put(OUTBOX_SHARD, s(Tables.outboxShard(product.id())));
            item.put(OUTBOX_SEQ, n(product.sequence()));
        }
        return item;
    }

    /** When a tombstone written at {@code deletedAt} expires (DynamoDB TTL, epoch seconds). */
    static long expiresAt(Instant deletedAt) {
        return deletedAt.plus(TOMBSTONE_RETENTION).getEpochSecond();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
