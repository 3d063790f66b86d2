package io.catalog.store;

import static io.catalog.store.Tables.CATEGORY;
import static io.catalog.store.Tables.ID;
import static io.catalog.store.Tables.OUTBOX;
import static io.catalog.store.Tables.OUTBOX_SEQ;
import static io.catalog.store.Tables.OUTBOX_SHARD;
import static io.catalog.store.Tables.SEQUENCE;
import static io.catalog.support.Futures.uni;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.config.CatalogConfig;
import io.catalog.model.Product;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The products table: item reads (through DAX when configured), strongly consistent reads, optimistic
 * conditional writes, category pages and the outbox index.
 */
@ApplicationScoped
public class ProductStore {

    static final int BATCH_GET_LIMIT = 100;

    private final StoreClients clients;
    private final String table;
    private final String currency;
    private final BatchGetRounds batchGets;

    public ProductStore(StoreClients clients, Tables tables, CatalogConfig config) {
        this.clients = clients;
        this.table = tables.products();
        this.currency = config.currency();
        this.batchGets = new BatchGetRounds(clients, table, currency, config.dynamodb().batchGetAttempts(),
                config.dynamodb().batchGetDeadline(), System::nanoTime);
    }

    /** One item, eventually consistent (DAX when configured) or strongly consistent (DynamoDB itself). */
    public Uni<Optional<StoredProduct>> read(String id, boolean consistent) {
        GetItemRequest request = GetItemRequest.builder().tableName(table).key(key(id)).consistentRead(consistent).build();
        Uni<GetItemResponse> response = consistent ? uni(() -> clients.direct().getItem(request))
                : clients.throughDax(() -> clients.itemReads().getItem(request), () -> clients.direct().getItem(request));
        return response.map(r -> r.hasItem() && !r.item().isEmpty() ? Optional.of(StoredProduct.from(r.item(), currency))
                : Optional.<StoredProduct> empty());
    }

    /**
     * Items by id, strongly consistent, straight from DynamoDB (never DAX, never a cache); fails with
     * {@link StoreUnavailableException} when DynamoDB keeps keys unprocessed (see {@link BatchGetRounds}).
     */
    public Uni<Map<String, StoredProduct>> readConsistent(Collection<String> ids) {
        List<String> all = ids.stream().distinct().toList();
        return Multi.createFrom().range(0, (all.size() + BATCH_GET_LIMIT - 1) / BATCH_GET_LIMIT)
                .onItem().transformToUniAndConcatenate(
                        chunk -> batchGet(all.subList(chunk * BATCH_GET_LIMIT,
                                Math.min(all.size(), (chunk + 1) * BATCH_GET_LIMIT)).stream().map(ProductStore::key).toList()))
                .collect().in(HashMap<String, StoredProduct>::new, Map::putAll);
    }

    private Uni<Map<String, StoredProduct>> batchGet(List<Map<String, AttributeValue>> keys) {
        Map<String, StoredProduct> found = new HashMap<>();
        return batchGets.read(keys, found).replaceWith(found);
    }

    /**
     * Writes {@code next} only if the item is still as {@code previous} was read (same sequence) or still absent.
     *
     * @return {@code false} when another write got there first
     */
    public Uni<Boolean> write(StoredProduct next, Optional<StoredProduct> previous) {
        PutItemRequest.Builder request = PutItemRequest.builder().tableName(table).item(next.toItem());
        if (previous.isPresent()) {
            request.conditionExpression("#seq = :seq")
                    .expressionAttributeNames(Map.of("#seq", SEQUENCE))
                    .expressionAttributeValues(Map.of(":seq", n(previous.get().product().sequence())));
        } else {
            request.conditionExpression("attribute_not_exists(#id)").expressionAttributeNames(Map.of("#id", ID));
        }
        PutItemRequest built = request.build();
        return uni(() -> clients.writes().putItem(built)).replaceWith(true)
                .onFailure(ConditionalCheckFailedException.class).recoverWithItem(false);
    }

    /**
     * Writes a change of an item without reading it first, in one conditional UpdateItem (see {@link EventUpdate}):
     * sets the product's new state and appends the change's event to the item's outbox, only if the item is still
     * live at sequence {@code expected} (what the writer knows of it) and its outbox holds fewer than
     * {@code maxPending} events.
     *
     * @param next the product after the change, with the change's sequence
     * @param deleted whether the change deletes it (the item becomes its tombstone)
     * @param published sequences of events of the item that every sink received: removed from the outbox too
     * @return the item as written (the outbox with every event it holds), or empty when the condition failed: the
     *         item changed since, is gone, is a tombstone, or its outbox is full; the writer then reads it
     */
    public Uni<Optional<StoredProduct>> update(Product next, boolean deleted, long expected, String eventJson,
            int maxPending, Collection<Long> published) {
        UpdateItemRequest request = EventUpdate.request(table, next, deleted, expected, eventJson, maxPending,
                published);
        return uni(() -> clients.writes().updateItem(request))
                .map(r -> Optional.of(StoredProduct.from(r.attributes(), currency)))
                .onFailure(ConditionalCheckFailedException.class).recoverWithItem(Optional.empty())
                // an item without an outbox map (written before every item held one) has no path to append to: the
                // writer reads it and puts it whole, outbox map included
                .onFailure(EventUpdate::noOutboxPath).recoverWithItem(Optional.empty());
    }

    /**
     * One page of live products ordered as DynamoDB returns them (by id within a category), starting after
     * {@code afterId}; fetches one item more than asked to tell whether there is a next page.
     */
    public Uni<List<StoredProduct>> page(Optional<String> category, int limit, Optional<String> afterId) {
        return page(category, limit, afterId, false);
    }

    /**
     * As {@link #page(Optional, int, Optional)}; with {@code consistent}, the unfiltered listing (a scan of the table)
     * is read strongly consistent (a category's comes from its index, which never is).
     */
    public Uni<List<StoredProduct>> page(Optional<String> category, int limit, Optional<String> afterId,
            boolean consistent) {
        return fill(category, limit + 1, afterId.map(id -> startKey(category, id)).orElse(null), new ArrayList<>(),
                consistent);
    }

    private Uni<List<StoredProduct>> fill(Optional<String> category, int wanted, Map<String, AttributeValue> start,
            List<StoredProduct> acc, boolean consistent) {
        Uni<Page> page = category.isPresent() ? queryCategory(category.get(), wanted - acc.size(), start)
                : scanLive(wanted - acc.size(), start, consistent);
        return page.chain(p -> {
            p.items().forEach(item -> acc.add(StoredProduct.from(item, currency)));
            if (acc.size() >= wanted || p.next() == null) {
                return Uni.createFrom().item(acc.size() > wanted ? acc.subList(0, wanted) : acc);
            }
            return fill(category, wanted, p.next(), acc, consistent);
        });
    }

    private record Page(List<Map<String, AttributeValue>> items, Map<String, AttributeValue> next) {
    }

    private Uni<Page> queryCategory(String category, int limit, Map<String, AttributeValue> start) {
        QueryRequest request = QueryRequest.builder().tableName(table).indexName(Tables.CATEGORY_INDEX)
                .keyConditionExpression("#c = :c")
                .expressionAttributeNames(Map.of("#c", CATEGORY))
                .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(category)))
                .exclusiveStartKey(start).limit(limit).build();
        return uni(() -> clients.direct().query(request)).map(ProductStore::page);
    }

    private Uni<Page> scanLive(int limit, Map<String, AttributeValue> start, boolean consistent) {
        ScanRequest request = ScanRequest.builder().tableName(table).consistentRead(consistent)
                .filterExpression("attribute_exists(#c)")
                .expressionAttributeNames(Map.of("#c", CATEGORY))
                .exclusiveStartKey(start).limit(Math.max(limit, 25)).build();
        return uni(() -> clients.direct().scan(request))
                .map(r -> new Page(r.items(),
                        r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null));
    }

    private static Page page(QueryResponse r) {
        return new Page(r.items(), r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null);
    }

    private static Map<String, AttributeValue> startKey(Optional<String> category, String afterId) {
        Map<String, AttributeValue> key = new HashMap<>(key(afterId));
        category.ifPresent(c -> key.put(CATEGORY, AttributeValue.fromS(c)));
        return key;
    }

    /** Every live product of a category, straight from DynamoDB (for aggregates: never DAX's query cache). */
    public Uni<List<StoredProduct>> allInCategory(String category) {
        return collect(category, null, new ArrayList<>());
    }

    private Uni<List<StoredProduct>> collect(String category, Map<String, AttributeValue> start, List<StoredProduct> acc) {
        return queryCategory(category, 1000, start).chain(p -> {
            p.items().forEach(item -> acc.add(StoredProduct.from(item, currency)));
            return p.next() == null ? Uni.createFrom().item(acc) : collect(category, p.next(), acc);
        });
    }

    /**
     * Every live product of a category ({@code null}: of the catalog), read strongly consistent by a scan of the whole
     * table: exact whatever the index lags, and as costly as the table is large. For a pod that cannot correct what
     * the index shows yet (it started, or its feed had a gap, less than the eventual lag ago).
     */
    public Uni<List<StoredProduct>> scanConsistent(String category) {
        return scanAll(category, null, new ArrayList<>());
    }

    private Uni<List<StoredProduct>> scanAll(String category, Map<String, AttributeValue> start,
            List<StoredProduct> acc) {
        ScanRequest.Builder request = ScanRequest.builder().tableName(table).consistentRead(true)
                .exclusiveStartKey(start);
        if (category == null) {
            request.filterExpression("attribute_exists(#c)").expressionAttributeNames(Map.of("#c", CATEGORY));
        } else {
            request.filterExpression("#c = :c").expressionAttributeNames(Map.of("#c", CATEGORY))
                    .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(category)));
        }
        ScanRequest built = request.build();
        return uni(() -> clients.direct().scan(built)).chain(r -> {
            r.items().forEach(item -> acc.add(StoredProduct.from(item, currency)));
            return r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
                    ? scanAll(category, r.lastEvaluatedKey(), acc)
                    : Uni.createFrom().item(acc);
        });
    }

    /** Ids of items that hold pending events, oldest first per shard, at most {@code max} per shard. */
    public Uni<List<String>> pendingIds(int max) {
        return Multi.createFrom().iterable(IntStream.range(0, Tables.OUTBOX_SHARDS).boxed().toList())
                .onItem().transformToUniAndConcatenate(shard -> pendingIds("p" + shard, max))
                .collect().in(ArrayList<String>::new, List::addAll);
    }

    private Uni<List<String>> pendingIds(String shard, int max) {
        QueryRequest request = QueryRequest.builder().tableName(table).indexName(Tables.OUTBOX_INDEX)
                .keyConditionExpression("#s = :s")
                .expressionAttributeNames(Map.of("#s", OUTBOX_SHARD))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(shard)))
                .limit(max).build();
        return uni(() -> clients.direct().query(request)).map(r -> r.items().stream().map(i -> i.get(ID).s()).toList());
    }

    /**
     * Removes published events from an item's outbox. When they were all of its pending events, the item also
     * leaves the outbox index; a write that added an event meanwhile keeps its own entry.
     */
    public Uni<Void> clearOutbox(String id, List<Long> published) {
        long newest = published.stream().mapToLong(Long::longValue).max().orElseThrow();
        UpdateItemRequest all = UpdateItemRequest.builder().tableName(table).key(key(id))
                .updateExpression("SET #o = :none REMOVE #shard, #oseq")
                .conditionExpression("#oseq = :newest")
                .expressionAttributeNames(Map.of("#o", OUTBOX, "#shard", OUTBOX_SHARD, "#oseq", OUTBOX_SEQ))
                .expressionAttributeValues(Map.of(":newest", n(newest), ":none", AttributeValue.fromM(Map.of())))
                .build();
        return uni(() -> clients.writes().updateItem(all)).replaceWithVoid()
                .onFailure(ConditionalCheckFailedException.class).recoverWithUni(() -> clearSome(id, published));
    }

    private Uni<Void> clearSome(String id, List<Long> published) {
        Map<String, String> names = new HashMap<>();
        names.put("#o", OUTBOX);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < published.size(); i++) {
            names.put("#k" + i, Long.toString(published.get(i)));
            paths.add("#o.#k" + i);
        }
        UpdateItemRequest some = UpdateItemRequest.builder().tableName(table).key(key(id))
                .updateExpression("REMOVE " + String.join(", ", paths))
                .conditionExpression("attribute_exists(#o)")
                .expressionAttributeNames(names)
                .build();
        return uni(() -> clients.writes().updateItem(some)).replaceWithVoid()
                .onFailure(ConditionalCheckFailedException.class).recoverWithNull();
    }

    static Map<String, AttributeValue> key(String id) {
        return Map.of(ID, AttributeValue.fromS(id));
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

}
