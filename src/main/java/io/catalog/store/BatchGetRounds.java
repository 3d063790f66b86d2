package io.catalog.store;

import static io.catalog.store.Tables.ID;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

import io.catalog.support.Futures;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * One strongly consistent BatchGetItem of up to 100 keys, with the keys DynamoDB leaves unprocessed (under
 * throttling or size limits) asked again after an exponential backoff with full jitter, as AWS advises: at most
 * {@code attempts} rounds and {@code deadline} in all (each call's own SDK retries included, through its API call
 * timeout). Past either bound the read fails with {@link StoreUnavailableException}, which the web layer answers
 * 503 with {@code Retry-After}: a quote of 100 ids never turns into a burst of immediate retries.
 */
final class BatchGetRounds {

    static final Duration BASE_BACKOFF = Duration.ofMillis(25);
    static final Duration MAX_BACKOFF = Duration.ofMillis(500);

    private final StoreClients clients;
    private final String table;
    private final String currency;
    private final int attempts;
    private final Duration deadline;
    private final LongSupplier nanoTime;

    BatchGetRounds(StoreClients clients, String table, String currency, int attempts, Duration deadline,
            LongSupplier nanoTime) {
        this.clients = clients;
        this.table = table;
        this.currency = currency;
        this.attempts = attempts;
        this.deadline = deadline;
        this.nanoTime = nanoTime;
    }

    /** Reads {@code keys} into {@code found}. */
    Uni<Void> read(List<Map<String, AttributeValue>> keys, Map<String, StoredProduct> found) {
        return round(keys, found, 0, nanoTime.getAsLong() + deadline.toNanos());
    }

    private Uni<Void> round(List<Map<String, AttributeValue>> keys, Map<String, StoredProduct> found, int attempt,
            long deadlineNanos) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long left = deadlineNanos - nanoTime.getAsLong();
        if (attempt >= attempts || left <= 0) {
            return Uni.createFrom().failure(new StoreUnavailableException(
                    "DynamoDB left " + keys.size() + " keys unprocessed after " + attempt + " rounds"));
        }
        BatchGetItemRequest request = BatchGetItemRequest.builder()
                .requestItems(Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build()))
                .overrideConfiguration(AwsRequestOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofNanos(left)).build())
                .build();
        return Futures.uni(() -> clients.direct().batchGetItem(request)).chain(response -> {
            response.responses().getOrDefault(table, List.of())
                    .forEach(item -> found.put(item.get(ID).s(), StoredProduct.from(item, currency)));
            List<Map<String, AttributeValue>> unprocessed = unprocessed(response);
            if (unprocessed.isEmpty() || attempt + 1 >= attempts) {
                return round(unprocessed, found, attempt + 1, deadlineNanos);
            }
            Duration pause = backoff(attempt, deadlineNanos - nanoTime.getAsLong());
            return Futures.delay(pause).chain(() -> round(unprocessed, found, attempt + 1, deadlineNanos));
        });
    }

    /** Full jitter: uniform in [0, min(MAX, BASE * 2^attempt)], never past the deadline. */
    static Duration backoff(int attempt, long leftNanos) {
        long ceiling = Math.min(MAX_BACKOFF.toNanos(), BASE_BACKOFF.toNanos() << Math.min(attempt, 20));
        long pause = ThreadLocalRandom.current().nextLong(ceiling + 1);
        return Duration.ofNanos(Math.max(0, Math.min(pause, leftNanos)));
    }

    private List<Map<String, AttributeValue>> unprocessed(BatchGetItemResponse response) {
        KeysAndAttributes left = response.unprocessedKeys().get(table);
        return left == null ? List.of() : left.keys();
    }
}
