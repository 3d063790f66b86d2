package io.catalog.store;

import static io.catalog.store.ProductStore.n;
import static io.catalog.store.Tables.COUNTER_NAME;
import static io.catalog.store.Tables.COUNTER_UPDATED_AT;
import static io.catalog.store.Tables.COUNTER_VALUE;
import static io.catalog.support.Futures.uni;

import java.time.Clock;
import java.util.Map;
import java.util.function.LongFunction;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The counters table: the global event sequence (an atomic counter, so it survives any Redis failure) and the
 * generation of each category (the sequence of the newest event that touched it), which versions aggregates.
 */
@ApplicationScoped
public class CounterStore {

    private final StoreClients clients;
    private final String table;
    private final Clock clock;

    public CounterStore(StoreClients clients, Tables tables, Clock clock) {
        this.clients = clients;
        this.table = tables.counters();
        this.clock = clock;
    }

    /**
     * Reserves {@code count} sequence numbers in one atomic step: above every sequence reserved before, by any pod
     * (the counter is their high-water mark). Writes take theirs from blocks ({@link Sequences}).
     *
     * @return the first of them; the others follow it
     */
    public Uni<Long> reserve(long count) {
        UpdateItemRequest request = UpdateItemRequest.builder().tableName(table).key(key(Tables.EVENT_SEQUENCE))
                .updateExpression("ADD #v :n")
                .expressionAttributeNames(Map.of("#v", COUNTER_VALUE))
                .expressionAttributeValues(Map.of(":n", n(count)))
                .returnValues(ReturnValue.UPDATED_NEW)
                .build();
        return uni(() -> clients.direct().updateItem(request))
                .map(r -> Long.parseLong(r.attributes().get(COUNTER_VALUE).n()) - count + 1);
    }

    /**
     * Raises a generation to {@code sequence}. A generation must name a new value for every change it versions, also
     * for a change that arrives late (its sequence is below that of a change already counted, as two concurrent
     * writers' can be): an aggregate cached at the current generation, computed before the late change was stored,
     * would otherwise stay cached as if it included it. So when the generation is already beyond {@code sequence}, it
     * moves to a fresh sequence above it ({@code above}: {@link Sequences#above}) instead; when it already is
     * {@code sequence} (the same event published twice), nothing changes.
     */
    public Uni<Void> raise(String name, long sequence, LongFunction<Uni<Long>> above) {
        return raiseTo(name, sequence).chain(raised -> raised ? Uni.createFrom().voidItem()
                : generation(name).chain(current -> current.sequence() == sequence ? Uni.createFrom().voidItem()
                        : above.apply(current.sequence()).chain(fresh -> raiseTo(name, fresh)).replaceWithVoid()));
    }

    /** Sets the generation to {@code sequence} if it is below; whether it did. */
    private Uni<Boolean> raiseTo(String name, long sequence) {
        UpdateItemRequest request = UpdateItemRequest.builder().tableName(table).key(key(name))
                .updateExpression("SET #v = :s, #t = :t")
                .conditionExpression("attribute_not_exists(#v) OR #v < :s")
                .expressionAttributeNames(Map.of("#v", COUNTER_VALUE, "#t", COUNTER_UPDATED_AT))
                .expressionAttributeValues(Map.of(":s", n(sequence), ":t", n(clock.millis())))
                .build();
        return uni(() -> clients.direct().updateItem(request)).replaceWith(true)
                .onFailure(ConditionalCheckFailedException.class).recoverWithItem(false);
    }

    /** A generation, strongly consistent; zero when nothing ever touched it. */
    public Uni<Generation> generation(String name) {
        GetItemRequest request = GetItemRequest.builder().tableName(table).key(key(name)).consistentRead(true).build();
        return uni(() -> clients.direct().getItem(request)).map(r -> r.hasItem() && r.item().containsKey(COUNTER_VALUE)
                ? new Generation(Long.parseLong(r.item().get(COUNTER_VALUE).n()), updatedAt(r.item()))
                : Generation.NONE);
    }

    private static long updatedAt(Map<String, AttributeValue> item) {
        AttributeValue t = item.get(COUNTER_UPDATED_AT);
        return t == null ? 0 : Long.parseLong(t.n());
    }

    /**
     * A generation and when it last changed.
     *
     * @param sequence the sequence of the newest event that touched it
     * @param changedAtMillis epoch milliseconds of that change, by the writer's clock: for operators only, never
     *        compared with another pod's clock (see IndexSettle)
     */
    public record Generation(long sequence, long changedAtMillis) {
        public static final Generation NONE = new Generation(0, 0);
    }

    private static Map<String, AttributeValue> key(String name) {
        return Map.of(COUNTER_NAME, AttributeValue.fromS(name));
    }
}
