package io.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.catalog.model.Product;
import io.smallrye.mutiny.Uni;

/**
 * {@link ProductStore} against a real dynalite, directly: optimistic conditional writes, strongly consistent batch
 * reads past DynamoDB's 100-key limit, category pages without tombstones, and the outbox index cleared whole or in
 * part.
 */
class ProductStoreTest {

    private static StoreFixture fixture;
    private static ProductStore store;
    private static long sequence = 1000;

    @BeforeAll
    static void start() {
        fixture = new StoreFixture();
        store = fixture.products();
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(10));
    }

    private static StoredProduct item(String id, String category, String price, long version) {
        Product product = new Product(id, "Item " + id, category, new BigDecimal(price), "USD", version,
                Instant.parse("2026-01-01T00:00:00Z"), ++sequence);
        return new StoredProduct(product, false, List.of());
    }

    private static StoredProduct written(StoredProduct item) {
        assertThat(await(store.write(item, Optional.empty()))).as("create %s", item.id()).isTrue();
        return item;
    }

    @Test
    void aWriteSucceedsOnlyOnTheStateItWasDecidedOn() {
        StoredProduct v1 = written(item("cond", "c-cond", "1.00", 1));
        assertThat(await(store.write(item("cond", "c-cond", "9.00", 1), Optional.empty())))
                .as("a create over an existing item").isFalse();

        StoredProduct v2 = item("cond", "c-cond", "2.00", 2);
        assertThat(await(store.write(v2, Optional.of(v1)))).isTrue();
        assertThat(await(store.write(item("cond", "c-cond", "3.00", 2), Optional.of(v1))))
                .as("a write decided on a state that is no longer current").isFalse();

        StoredProduct read = await(store.read("cond", true)).orElseThrow();
        assertThat(read.product()).isEqualTo(v2.product());
        assertThat(read.product().price()).isEqualTo(new BigDecimal("2.00"));
        assertThat(await(store.read("cond", false))).contains(read);
        assertThat(await(store.read("no-such-item", true))).isEmpty();
    }

    @Test
    void consistentReadsOfManyIdsComeBackWhole() {
        List<String> ids = IntStream.range(0, 150).mapToObj(i -> "many-" + i).toList();
        ids.forEach(id -> written(item(id, "c-many", BigDecimal.valueOf(100 + Integer.parseInt(id.substring(5)), 2)
                .toPlainString(), 1)));

        List<String> asked = new java.util.ArrayList<>(ids);
        asked.add("many-missing");
        asked.add("many-0"); // twice
        Map<String, StoredProduct> found = await(store.readConsistent(asked));

        assertThat(found).hasSize(150).doesNotContainKey("many-missing");
        assertThat(found.get("many-149").product().price()).isEqualTo(new BigDecimal("2.49"));
        assertThat(found.get("many-7").product().price()).isEqualTo(new BigDecimal("1.07"));
    }

    @Test
    void pagesOfACategoryFollowEachOtherAndSkipTombstones() {
        for (String id : List.of("page-a", "page-b", "page-c", "page-d")) {
            written(item(id, "c-page", "5.00", 1));
        }
        StoredProduct c = await(store.read("page-c", true)).orElseThrow();
        StoredProduct tombstone = new StoredProduct(c.product().withPrice(c.product().price(), ++sequence,
                c.product().updatedAt()), true, List.of());
        assertThat(await(store.write(tombstone, Optional.of(c)))).isTrue();

        List<StoredProduct> first = await(store.page(Optional.of("c-page"), 2, Optional.empty()));
        assertThat(first).extracting(StoredProduct::id).containsExactly("page-a", "page-b", "page-d")
                .as("one more than the limit tells that there is a next page");
        List<StoredProduct> next = await(store.page(Optional.of("c-page"), 2, Optional.of("page-b")));
        assertThat(next).extracting(StoredProduct::id).containsExactly("page-d");

        assertThat(await(store.allInCategory("c-page"))).extracting(StoredProduct::id)
                .containsExactlyInAnyOrder("page-a", "page-b", "page-d");
        assertThat(await(store.read("page-c", true)).orElseThrow().live()).isFalse();
    }

    @Test
    void theOutboxIsClearedWholeOrOnlyOfWhatWasPublished() {
        StoredProduct base = item("outbox", "c-outbox", "1.00", 1);
        StoredProduct one = base.with(base.product(), false, "{\"e\":1}");
        Product second = base.product().withPrice(new BigDecimal("2.00"), ++sequence, base.product().updatedAt());
        StoredProduct two = one.with(second, false, "{\"e\":2}");
        long firstSequence = one.outbox().get(0).sequence();
        long secondSequence = two.outbox().get(1).sequence();
        assertThat(await(store.write(two, Optional.empty()))).isTrue();
        assertThat(await(store.pendingIds(100))).contains("outbox");

        // the relay published only the first event: the second stays pending, and the item in the index
        await(store.clearOutbox("outbox", List.of(firstSequence)));
        StoredProduct afterSome = await(store.read("outbox", true)).orElseThrow();
        assertThat(afterSome.outbox()).extracting(PendingEvent::sequence).containsExactly(secondSequence);
        assertThat(afterSome.outbox().get(0).json()).isEqualTo("{\"e\":2}");
        assertThat(await(store.pendingIds(100))).contains("outbox");

        await(store.clearOutbox("outbox", List.of(firstSequence, secondSequence)));
        StoredProduct afterAll = await(store.read("outbox", true)).orElseThrow();
        assertThat(afterAll.outbox()).isEmpty();
        assertThat(afterAll.product().price()).isEqualTo(new BigDecimal("2.00"));
        assertThat(await(store.pendingIds(100))).doesNotContain("outbox");
    }

    /**
     * The events a writer's pod published and has not cleared yet leave the outbox with its next write (one write
     * per change, no clear of its own); a sequence the outbox no longer holds (cleared meanwhile) changes nothing.
     */
    @Test
    void anUpdateRemovesThePublishedEventsItNames() {
        StoredProduct base = item("published", "c-published", "1.00", 1);
        StoredProduct pending = base.with(base.product(), false, "{\"e\":1}");
        assertThat(await(store.write(pending, Optional.empty()))).isTrue();
        long first = base.product().sequence();

        Product next = base.product().withPrice(new BigDecimal("2.00"), ++sequence, base.product().updatedAt());
        StoredProduct written = await(store.update(next, false, first, "{\"e\":2}", 32, List.of(first, first - 1)))
                .orElseThrow();

        assertThat(written.outbox()).extracting(PendingEvent::json).containsExactly("{\"e\":2}");
        assertThat(await(store.read("published", true)).orElseThrow().outbox()).extracting(PendingEvent::sequence)
                .containsExactly(next.sequence());
    }

    /**
     * The write without a read: one UpdateItem that lands only on the state the writer assumed, appends its event to
     * what the outbox holds, and answers the item as written; anything else (the item moved on, a tombstone, a full
     * outbox, an item written before outboxes were always present) answers empty and changes nothing.
     */
    @Test
    void anUpdateLandsOnlyOnTheAssumedStateAndAppendsItsEvent() {
        StoredProduct base = item("assumed", "c-assumed", "1.00", 1);
        StoredProduct pending = base.with(base.product(), false, "{\"e\":1}");
        assertThat(await(store.write(pending, Optional.empty()))).isTrue();
        long assumed = base.product().sequence();

        Product next = new Product("assumed", "Renamed", "c-other", new BigDecimal("2.50"), "USD", 2,
                Instant.parse("2026-01-02T00:00:00Z"), ++sequence);
        Optional<StoredProduct> written = await(store.update(next, false, assumed, "{\"e\":2}", 32, List.of()));

        assertThat(written).isPresent();
        StoredProduct read = await(store.read("assumed", true)).orElseThrow();
        assertThat(written.get()).isEqualTo(read);
        assertThat(read.product()).isEqualTo(next);
        assertThat(read.live()).isTrue();
        assertThat(read.outbox()).extracting(PendingEvent::json).containsExactly("{\"e\":1}", "{\"e\":2}");
        assertThat(await(store.pendingIds(100))).contains("assumed");
        assertThat(await(store.allInCategory("c-other"))).extracting(StoredProduct::id).contains("assumed");

        Product stale = next.withPrice(new BigDecimal("9.00"), ++sequence, next.updatedAt());
        assertThat(await(store.update(stale, false, assumed, "{\"e\":3}", 32, List.of())))
                .as("assumed a sequence the item has left").isEmpty();
        assertThat(await(store.update(stale, false, next.sequence(), "{\"e\":3}", 2, List.of())))
                .as("the outbox already holds the most it may").isEmpty();
        assertThat(await(store.read("assumed", true)).orElseThrow()).isEqualTo(read);

        Product gone = next.withPrice(next.price(), ++sequence, next.updatedAt());
        StoredProduct tombstone = await(store.update(gone, true, next.sequence(), "{\"e\":4}", 32, List.of())).orElseThrow();
        assertThat(tombstone.live()).isFalse();
        assertThat(tombstone.product().category()).isEqualTo("c-other");
        assertThat(await(store.allInCategory("c-other"))).extracting(StoredProduct::id).doesNotContain("assumed");
        assertThat(await(store.update(gone.withPrice(gone.price(), ++sequence, gone.updatedAt()), false,
                gone.sequence(), "{\"e\":5}", 32, List.of()))).as("a tombstone is never assumed live").isEmpty();
    }

    @Test
    void anItemWithoutAnOutboxAttributeIsNeverUpdatedBlind() {
        StoredProduct legacy = written(item("legacy", "c-legacy", "1.00", 1));
        fixture.removeOutboxAttribute("legacy");
        Product next = legacy.product().withPrice(new BigDecimal("2.00"), ++sequence, legacy.product().updatedAt());

        assertThat(await(store.update(next, false, legacy.product().sequence(), "{}", 32, List.of()))).isEmpty();
        assertThat(await(store.read("legacy", true)).orElseThrow().product()).isEqualTo(legacy.product());
    }
}
