package io.catalog.events;

import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.catalog.model.Product;
import io.catalog.model.ProductUpdated;
import io.catalog.store.CounterStore;
import io.catalog.store.PendingEvent;
import io.catalog.store.ProductStore;
import io.catalog.store.StoredProduct;
import io.catalog.store.Tables;
import io.catalog.support.Json;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link OutboxRelay} against a real dynalite and Redis: items with pending events are written straight to the
 * store (as a write whose publish was lost would leave them), then published by the relay. The relay's own sweep
 * is kept quiet by the profile, so every publish here is the test's.
 */
@QuarkusTest
@TestProfile(OutboxRelayTest.QuietRelay.class)
class OutboxRelayTest {

    static final String STREAM = "catalog:events:relay-test";
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A stream of this test's own and no periodic sweep. */
    public static class QuietRelay implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("catalog.events.stream", STREAM, "catalog.events.relay-interval", "1h",
                    "catalog.events.relay-idle-interval", "1h");
        }
    }

    @Inject
    OutboxRelay relay;
    @Inject
    ProductStore store;
    @Inject
    CounterStore counters;
    @Inject
    Json json;
    @Inject
    RedisDataSource redis;
    @Inject
    OutboxClears clears;

    /** Writes {@code id} at {@code sequence} with its event pending, as a writer does before it publishes. */
    private StoredProduct writePending(String id, String category, long sequence, Optional<StoredProduct> previous) {
        return writePending(id, category, sequence, previous, Instant.now());
    }

    private StoredProduct writePending(String id, String category, long sequence, Optional<StoredProduct> previous,
            Instant occurredAt) {
        long version = previous.map(p -> p.product().version() + 1).orElse(1L);
        BigDecimal price = new BigDecimal(version + ".00");
        Product product = new Product(id, "Kettle", category, price, "EUR", version, Instant.now(), sequence);
        ProductUpdated event = ProductUpdated.of(id, category, version, sequence, price,
                previous.map(p -> p.product().price()).orElse(null), false, occurredAt, null);
        StoredProduct next = previous.orElseGet(() -> new StoredProduct(product, false, List.of()))
                .with(product, false, json.write(event));
        assertThat(store.write(next, previous).await().atMost(WAIT)).as("the write of %s", id).isTrue();
        return next;
    }

    private StoredProduct read(String id) {
        return store.read(id, true).await().atMost(WAIT).orElseThrow();
    }

    private boolean pendingInIndex(String id) {
        return store.pendingIds(1000).await().atMost(WAIT).contains(id);
    }

    /** The sequences of {@code id}'s events in the stream, in stream order. */
    private List<Long> streamed(String id) {
        return redis.stream(String.class, String.class, String.class).xrange(STREAM, StreamRange.of("-", "+")).stream()
                .map(m -> json.read(m.payload().get("event"), ProductUpdated.class))
                .filter(e -> e.productId().equals(id)).map(ProductUpdated::sequence).toList();
    }

    private long sequence() {
        return counters.reserve(1).await().atMost(WAIT);
    }

    @Test
    void aSweepPublishesWhatNoWriterPublishedRaisesTheGenerationsAndEmptiesTheOutbox() {
        String id = uniqueId("relay");
        String category = uniqueCategory("cat");
        long sequence = sequence();
        writePending(id, category, sequence, Optional.empty());
        assertThat(pendingInIndex(id)).isTrue();

        assertThat(relay.sweep(Duration.ZERO).await().atMost(WAIT).published()).isGreaterThanOrEqualTo(1);

        assertThat(streamed(id)).containsExactly(sequence);
        assertThat(read(id).outbox()).isEmpty();
        assertThat(pendingInIndex(id)).as("the item left the outbox index").isFalse();
        assertThat(counters.generation(Tables.categoryGeneration(category)).await().atMost(WAIT).sequence())
                .as("no category generation is written in the full design").isZero();
        assertThat(counters.generation(Tables.membership(category)).await().atMost(WAIT).sequence())
                .as("a creation changes its listing's membership").isEqualTo(sequence);
        assertThat(counters.generation(Tables.membership("*")).await().atMost(WAIT).sequence())
                .isGreaterThanOrEqualTo(sequence);
        assertThat(relay.counters(ProductUpdated.of(id, category, 2, sequence + 1, BigDecimal.ONE, BigDecimal.TEN,
                false, Instant.now(), null)))
                .as("a price change writes no counter").isEmpty();
    }

    /**
     * A write lands between the relay's read of an item and its clearing of the outbox: only the published event
     * is removed ({@code clearSome}), the newer one stays pending and in the index, and the next sweep publishes it.
     */
    @Test
    void aWriteBetweenReadAndClearKeepsItsOwnEventPending() {
        String id = uniqueId("relay");
        String category = uniqueCategory("cat");
        long first = sequence();
        StoredProduct readByTheRelay = writePending(id, category, first, Optional.empty());
        long second = sequence();
        writePending(id, category, second, Optional.of(readByTheRelay));

        relay.publish(List.of(readByTheRelay)).await().atMost(WAIT);

        assertThat(streamed(id)).containsExactly(first);
        assertThat(read(id).outbox()).extracting(PendingEvent::sequence).containsExactly(second);
        assertThat(pendingInIndex(id)).as("still in the outbox index for its newer event").isTrue();

        relay.sweep(Duration.ZERO).await().atMost(WAIT);
        assertThat(streamed(id)).containsExactly(first, second);
        assertThat(read(id).outbox()).isEmpty();
        assertThat(pendingInIndex(id)).isFalse();
    }

    /**
     * A sweep leaves an item whose pending event is younger than {@link OutboxRelay#SWEEP_GRACE} to its writer, which
     * is still publishing it (a sweep that overtook the clears published every event of a batch twice), and
     * publishes it once it is older.
     */
    @Test
    void aSweepLeavesAYoungEventToItsWriterAndPublishesItOnceOlder() {
        String id = uniqueId("relay");
        long sequence = sequence();
        writePending(id, uniqueCategory("cat"), sequence, Optional.empty());

        OutboxRelay.Swept swept = relay.sweep().await().atMost(WAIT);
        assertThat(swept.leftToWriters()).as("events found pending, left to their writers").isGreaterThanOrEqualTo(1);
        assertThat(streamed(id)).as("left to its writer").isEmpty();
        assertThat(read(id).outbox()).extracting(PendingEvent::sequence).containsExactly(sequence);

        relay.sweep(Duration.ZERO).await().atMost(WAIT);
        assertThat(streamed(id)).containsExactly(sequence);
        assertThat(read(id).outbox()).isEmpty();

        // stamped an hour ahead: its writer's clock is ahead of this pod's, which must not defer it by an hour
        String ahead = uniqueId("relay");
        long aheadSequence = sequence();
        writePending(ahead, uniqueCategory("cat"), aheadSequence, Optional.empty(),
                Instant.now().plus(Duration.ofHours(1)));
        relay.sweep().await().atMost(WAIT);
        assertThat(streamed(ahead)).containsExactly(aheadSequence);
    }

    /**
     * An event the relay cannot read (a newer version's, during a rolling upgrade) is left to the pods that can, and
     * the sweep still publishes the other items it found: one such event used to fail every sweep.
     */
    @Test
    void anUnreadableEventIsLeftToPodsThatCanReadItAndTheRestIsPublished() {
        String category = uniqueCategory("cat");
        String odd = uniqueId("relay");
        long oddSequence = sequence();
        Product product = new Product(odd, "Kettle", category, BigDecimal.ONE, "EUR", 1, Instant.now(), oddSequence);
        StoredProduct unreadable = new StoredProduct(product, false, List.of()).with(product, false,
                "{\"productId\":\"" + odd + "\",\"fromANewerVersion\":true}");
        assertThat(store.write(unreadable, Optional.empty()).await().atMost(WAIT)).isTrue();
        String id = uniqueId("relay");
        long sequence = sequence();
        writePending(id, category, sequence, Optional.empty(), Instant.now().minus(Duration.ofMinutes(1)));
        try {
            OutboxRelay.Swept swept = relay.sweep(Duration.ZERO).await().atMost(WAIT);
            assertThat(swept.unreadable()).as("left to the pods that can read it").isGreaterThanOrEqualTo(1);
            assertThat(streamed(id)).containsExactly(sequence);
            assertThat(read(odd).outbox()).extracting(PendingEvent::sequence).containsExactly(oddSequence);
        } finally {
            store.clearOutbox(odd, List.of(oddSequence)).await().atMost(WAIT);
        }
    }

    /** Relays of two pods (or a retry) may publish the same item: the event is appended once, and nothing fails. */
    @Test
    void publishingTheSameItemTwiceAppendsItsEventOnce() {
        String id = uniqueId("relay");
        StoredProduct item = writePending(id, uniqueCategory("cat"), sequence(), Optional.empty());

        relay.publish(List.of(item)).await().atMost(WAIT);
        relay.publish(List.of(item)).await().atMost(WAIT);

        assertThat(streamed(id)).containsExactly(item.product().sequence());
        assertThat(read(id).outbox()).isEmpty();
        assertThat(pendingInIndex(id)).isFalse();
    }

    /**
     * Each entry holds Redis' clock at its append in microseconds ({@code at}), which the feed's delivery timer reads:
     * the entry id's time is whole milliseconds, as coarse as the delivery it times.
     */
    @Test
    void anAppendedEntryHoldsRedisClockInMicroseconds() {
        String id = uniqueId("relay");
        StoredProduct item = writePending(id, uniqueCategory("cat"), sequence(), Optional.empty());
        long before = micros(Instant.now());

        relay.publish(List.of(item)).await().atMost(WAIT);

        FeedEntry entry = redis.stream(String.class, String.class, String.class).xrange(STREAM, StreamRange.of("-", "+"))
                .stream().map(m -> FeedEntry.decode(m, json)).filter(e -> e.event() != null)
                .filter(e -> e.event().productId().equals(id)).findFirst().orElseThrow();
        assertThat(entry.atMicros()).as("Redis' clock and this JVM's are the same machine's")
                .isBetween(before - 1_000_000, micros(Instant.now()) + 1_000_000);
        assertThat(entry.appendedAtMicros()).as("the delivery timer reads 'at', not the id's whole milliseconds")
                .isEqualTo(entry.atMicros());
        assertThat(entry.atMicros() / 1000).as("the same clock as the id's").isBetween(entry.appendedAtMillis() - 2,
                entry.appendedAtMillis() + 2);
    }

    /**
     * A sweep leaves alone what this pod published and has yet to clear: during a bulk load the clears lag behind
     * the writes by more than the sweep's grace, and the sweep published thousands of events a second time.
     */
    @Test
    void aSweepLeavesWhatThisPodPublishedAndIsToClear() {
        String id = uniqueId("relay");
        long sequence = sequence();
        StoredProduct item = writePending(id, uniqueCategory("cat"), sequence, Optional.empty(),
                Instant.now().minusSeconds(60));
        relay.publish(List.of(item), false).await().atMost(WAIT);
        assertThat(pendingInIndex(id)).as("its clear waits").isTrue();

        OutboxRelay.Swept swept = relay.sweep(Duration.ZERO).await().atMost(WAIT);

        assertThat(swept.publishedItems()).as("published again").doesNotContain(id);
        assertThat(streamed(id)).containsExactly(sequence);
        Awaitility.await().atMost(WAIT).until(() -> !pendingInIndex(id));
    }

    /**
     * A flush takes every item whose clear is due and clears 16 at a time; the sweep must leave alone the ones still
     * waiting for their turn, not only the 16 under way.
     */
    @Test
    void aSweepLeavesTheItemsWhoseClearsWaitTheirTurn() {
        String category = uniqueCategory("cat");
        List<StoredProduct> items = java.util.stream.IntStream.range(0, 100)
                .mapToObj(i -> writePending(uniqueId("turn"), category, sequence(), Optional.empty(),
                        Instant.now().minusSeconds(60)))
                .toList();
        relay.publish(items, false).await().atMost(WAIT);

        clears.flush(0);
        OutboxRelay.Swept swept = relay.sweep(Duration.ZERO).await().atMost(WAIT);

        assertThat(items.stream().map(StoredProduct::id).filter(swept.publishedItems()::contains).toList())
                .as("published again").isEmpty();
    }

    /**
     * A writer's publish leaves its clear for later (by the item's next write, or a write of its own half a second
     * on). A pod that stops clears what waits before it goes, so that no other pod's sweep publishes it again: after
     * the lab's bulk load, thousands of events were published a second time, into a flushed Redis, during the run.
     */
    @Test
    void aStoppingPodClearsWhatItPublishedBeforeItGoes() {
        String category = uniqueCategory("cat");
        List<StoredProduct> items = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> writePending(uniqueId("stop"), category, sequence(), Optional.empty())).toList();
        relay.publish(items, false).await().atMost(WAIT);

        clears.stop(WAIT);

        List<String> pending = store.pendingIds(1000).await().atMost(WAIT);
        assertThat(items.stream().map(StoredProduct::id).filter(pending::contains).count())
                .as("items still pending once the stop returned").isZero();
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }
}
