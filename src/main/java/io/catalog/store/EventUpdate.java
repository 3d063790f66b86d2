package io.catalog.store;

import static io.catalog.store.Tables.CATEGORY;
import static io.catalog.store.Tables.DELETED;
import static io.catalog.store.Tables.DELETED_CATEGORY;
import static io.catalog.store.Tables.EXPIRES_AT;
import static io.catalog.store.Tables.NAME;
import static io.catalog.store.Tables.OUTBOX;
import static io.catalog.store.Tables.OUTBOX_SEQ;
import static io.catalog.store.Tables.OUTBOX_SHARD;
import static io.catalog.store.Tables.PRICE;
import static io.catalog.store.Tables.SEQUENCE;
import static io.catalog.store.Tables.UPDATED_AT;
import static io.catalog.store.Tables.VERSION;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.catalog.model.Product;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The write without a read: one UpdateItem that sets a product's new state and appends its event to the item's
 * outbox, on the condition that the item is still live at the sequence the writer knows and its outbox has room. It
 * also removes the events of the item that this pod has published and not cleared yet ({@code OutboxClears}), so that
 * a product changed again and again takes one write per change.
 * <p>
 * The request, for a price change of product {@code p-1} from sequence 41 (published) to 57:
 *
 * <pre>
 * SET name = :name, price = :price, version = :version, updatedAt = :at, seq = 57,
 *     outboxShard = :shard, outboxSeq = 57, outbox.#57 = :event, category = :c
 * REMOVE outbox.#41
 * CONDITION seq = 41 AND size(outbox) &lt; 32 AND attribute_not_exists(deleted)
 * RETURN ALL_NEW
 * </pre>
 *
 * A delete sets the tombstone's attributes and removes the category (the item leaves the category index).
 */
final class EventUpdate {

    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private final List<String> set = new ArrayList<>();

    private EventUpdate() {
    }

    static UpdateItemRequest request(String table, Product next, boolean deleted, long expected, String eventJson,
            int maxPending, Collection<Long> published) {
        EventUpdate update = new EventUpdate();
        update.assign(NAME, AttributeValue.fromS(next.name()));
        update.assign(PRICE, AttributeValue.fromN(next.price().toPlainString()));
        update.assign(VERSION, ProductStore.n(next.version()));
        update.assign(UPDATED_AT, AttributeValue.fromS(next.updatedAt().toString()));
        update.assign(SEQUENCE, ProductStore.n(next.sequence()));
        update.assign(OUTBOX_SHARD, AttributeValue.fromS(Tables.outboxShard(next.id())));
        update.assign(OUTBOX_SEQ, ProductStore.n(next.sequence()));
        update.names.put("#o", OUTBOX);
        update.names.put("#k", Long.toString(next.sequence()));
        update.values.put(":event", AttributeValue.fromS(eventJson));
        update.set.add("#o.#k = :event");
        update.names.put("#c", CATEGORY);
        update.names.put("#deleted", DELETED);
        List<String> remove = new ArrayList<>();
        for (long sequence : published) {
            String name = "#p" + remove.size();
            update.names.put(name, Long.toString(sequence));
            remove.add("#o." + name);
        }
        if (deleted) {
            update.assign(DELETED_CATEGORY, AttributeValue.fromS(next.category()));
            update.assign(EXPIRES_AT, ProductStore.n(StoredProduct.expiresAt(next.updatedAt())));
            update.set.add("#deleted = :true");
            update.values.put(":true", AttributeValue.fromBool(true));
            remove.add("#c");
        } else {
            update.set.add("#c = :c");
            update.values.put(":c", AttributeValue.fromS(next.category()));
        }
        update.names.put("#seqNow", SEQUENCE);
        update.values.put(":expected", ProductStore.n(expected));
        update.values.put(":max", ProductStore.n(maxPending));
        return UpdateItemRequest.builder().tableName(table).key(ProductStore.key(next.id()))
                .updateExpression("SET " + String.join(", ", update.set)
                        + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove)))
                .conditionExpression("#seqNow = :expected AND size(#o) < :max AND attribute_not_exists(#deleted)")
                .expressionAttributeNames(update.names)
                .expressionAttributeValues(update.values)
                .returnValues(ReturnValue.ALL_NEW)
                .build();
    }

    /** Whether DynamoDB refused the update because the item has no outbox map to append to. */
    static boolean noOutboxPath(Throwable failure) {
        return failure instanceof DynamoDbException e && e.statusCode() == 400 && e.getMessage() != null
                && e.getMessage().contains("document path");
    }

    private void assign(String attribute, AttributeValue value) {
        String name = "#a" + names.size();
        String placeholder = ":a" + values.size();
        names.put(name, attribute);
        values.put(placeholder, value);
        set.add(name + " = " + placeholder);
    }
}
