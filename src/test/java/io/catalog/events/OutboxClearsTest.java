package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.catalog.model.Product;
import io.catalog.store.PendingEvent;
import io.catalog.store.ProductStore;
import io.catalog.store.StoreFixture;
import io.catalog.store.StoredProduct;
import io.catalog.testing.ManualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * {@link OutboxClears} on a real dynalite with a scheduler the test runs by hand: published events are cleared after
 * the delay, unless the item's next write takes them and removes them in its own conditional write; a write that
 * did not land gives them back.
 */
class OutboxClearsTest {

    private static StoreFixture fixture;
    private static ProductStore store;
    private final ManualScheduler scheduler = new ManualScheduler();
    private final OutboxClears clears = new OutboxClears(store, scheduler, Duration.ofSeconds(1),
            new SimpleMeterRegistry());
    private static long sequence = 5_000;

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

    /** An item holding {@code events} pending events, as a writer leaves it before the relay publishes them. */
    private static StoredProduct pending(String id, int events) {
        StoredProduct item = new StoredProduct(product(id, "1.00", ++sequence), false, List.of());
        for (int i = 0; i < events; i++) {
            item = item.with(product(id, (i + 2) + ".00", ++sequence), false, "{\"n\":" + i + "}");
        }
        assertThat(await(store.write(item, Optional.empty()))).isTrue();
        return item;
    }

    private static Product product(String id, String price, long seq) {
        return new Product(id, "Item", "c-clears", new BigDecimal(price), "USD", seq, Instant.parse("2026-01-01T00:00:00Z"),
                seq);
    }

    private static List<PendingEvent> outbox(String id) {
        return await(store.read(id, true)).orElseThrow().outbox();
    }

    @Test
    void publishedEventsAreClearedAfterTheDelay() {
        StoredProduct item = pending("clear-later", 2);
        clears.published(List.of(item));

        assertThat(outbox("clear-later")).hasSize(2);
        scheduler.advance(Duration.ofMillis(999));
        assertThat(outbox("clear-later")).as("not before the delay").hasSize(2);
        scheduler.advance(Duration.ofMillis(1));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> outbox("clear-later").isEmpty());
        assertThat(await(store.pendingIds(100))).doesNotContain("clear-later");
    }

    @Test
    void theNextWriteTakesThemAndRemovesThemInItsOwnWrite() {
        StoredProduct item = pending("fold", 2);
        clears.published(List.of(item));
        List<Long> taken = clears.take("fold");
        assertThat(taken).containsExactlyElementsOf(item.outbox().stream().map(PendingEvent::sequence).toList());

        Product next = product("fold", "9.00", ++sequence);
        StoredProduct written = await(store.update(next, false, item.product().sequence(), "{\"n\":9}", 32, taken))
                .orElseThrow();
        assertThat(written.outbox()).extracting(PendingEvent::sequence).containsExactly(next.sequence());

        scheduler.advance(Duration.ofSeconds(2));
        assertThat(scheduler.pending()).isZero();
        assertThat(outbox("fold")).as("the scheduled clear found nothing to do: the new event stays pending")
                .extracting(PendingEvent::sequence).containsExactly(next.sequence());
    }

    @Test
    void eventsTakenByAWriteThatDidNotLandAreClearedAfterAll() {
        StoredProduct item = pending("given-back", 1);
        clears.published(List.of(item));
        List<Long> taken = clears.take("given-back");
        assertThat(await(store.update(product("given-back", "9.00", ++sequence), false, item.product().sequence() - 1,
                "{}", 32, taken))).as("a write on a state the item left").isEmpty();
        assertThat(outbox("given-back")).hasSize(1);

        clears.giveBack("given-back", taken);
        scheduler.advance(Duration.ofSeconds(1));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> outbox("given-back").isEmpty());
        assertThat(clears.take("given-back")).isEmpty();
    }
}
