package io.catalog.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.catalog.model.Product;
import io.catalog.store.PendingEvent;
import io.catalog.store.StoredProduct;

/**
 * After a conditional write's condition failed, the read that follows tells the write's own landing (its answer lost,
 * the SDK sent it again) from another writer's write: by the write's event in the outbox, whatever was written on top
 * of it since, or by its sequence, version and time once the event was published and cleared.
 */
class TriedWriteTest {

    private static final Instant AT = Instant.parse("2026-12-07T07:00:00.123Z");

    private static Product product(String price, long version, long sequence, Instant at) {
        return new Product("p-1", "P", "c", new BigDecimal(price), "USD", version, at, sequence);
    }

    private static final Product BEFORE = product("10.00", 4, 100, AT.minusSeconds(60));
    private static final PendingEvent OURS = new PendingEvent(1_007, "{\"version\":5,\"sequence\":1007}");
    private static final TriedWrite WRITE = new TriedWrite(Optional.of(BEFORE),
            new StoredProduct(product("12.00", 5, 1_007, AT), false, List.of(OURS)), Set.of());

    @Test
    void theItemAsThisWriteLeftItHoldsIt() {
        StoredProduct item = new StoredProduct(product("12", 5, 1_007, AT), false, List.of(OURS));

        assertThat(WRITE.landedIn(Optional.of(item))).isTrue();
    }

    @Test
    void aWriteOnTopOfItStillShowsItsEventInTheOutbox() {
        PendingEvent theirs = new PendingEvent(2_003, "{\"version\":6,\"sequence\":2003}");
        StoredProduct item = new StoredProduct(product("15.00", 6, 2_003, AT.plusMillis(5)), false,
                List.of(OURS, theirs));

        assertThat(WRITE.landedIn(Optional.of(item))).isTrue();
    }

    @Test
    void afterTheRelayClearedItsEventTheItemAtItsSequenceVersionAndTimeIsIt() {
        StoredProduct item = new StoredProduct(product("12.00", 5, 1_007, AT), false, List.of());

        assertThat(WRITE.landedIn(Optional.of(item))).isTrue();
    }

    @Test
    void anotherWriteIsNotIt() {
        StoredProduct concurrent = new StoredProduct(product("11.00", 5, 2_003, AT.plusMillis(1)), false,
                List.of(new PendingEvent(2_003, "{\"version\":5,\"sequence\":2003}")));
        StoredProduct untouched = new StoredProduct(BEFORE, false, List.of());

        assertThat(WRITE.landedIn(Optional.of(concurrent))).isFalse();
        assertThat(WRITE.landedIn(Optional.of(untouched))).isFalse();
        assertThat(WRITE.landedIn(Optional.empty())).isFalse();
        assertThat(TriedWrite.NONE.landedIn(Optional.of(untouched))).isFalse();
    }

    @Test
    void anotherWriteThatReusedTheSequenceIsNotIt() {
        // a counter that went back (a restored counters table) could hand the same sequence out twice
        StoredProduct reused = new StoredProduct(product("13.00", 5, 1_007, AT.plusMillis(3)), false,
                List.of(new PendingEvent(1_007, "{\"version\":5,\"sequence\":1007,\"price\":13}")));

        assertThat(WRITE.landedIn(Optional.of(reused))).isFalse();
    }
}
