package io.catalog.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.catalog.model.Product;
import io.catalog.store.StoredProduct;

/** A batch publishes what it wrote at least every period, and once only when it is done within it. */
class PublishChunksTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private static StoredProduct item(String id) {
        return new StoredProduct(new Product(id, "Lamp", "office", new BigDecimal("1.00"), "USD", 1,
                Instant.EPOCH, 1), false, List.of());
    }

    @Test
    void aBatchDoneWithinThePeriodPublishesOnceAtItsEnd() {
        PublishChunks chunks = new PublishChunks(SECOND, 0);
        assertThat(chunks.add(Optional.of(item("a")), SECOND / 3)).isNull();
        assertThat(chunks.add(Optional.of(item("b")), SECOND - 1)).isNull();
        assertThat(chunks.rest()).extracting(StoredProduct::id).containsExactly("a", "b");
        assertThat(chunks.rest()).isEmpty();
    }

    @Test
    void aSlowBatchPublishesWhatItWroteEveryPeriod() {
        long start = -5 * SECOND; // System.nanoTime's origin is arbitrary
        PublishChunks chunks = new PublishChunks(SECOND, start);
        assertThat(chunks.add(Optional.of(item("a")), start + SECOND / 2)).isNull();
        assertThat(chunks.add(Optional.of(item("b")), start + SECOND)).extracting(StoredProduct::id).containsExactly("a", "b");
        assertThat(chunks.add(Optional.of(item("c")), start + SECOND + SECOND / 2)).isNull();
        assertThat(chunks.add(Optional.of(item("d")), start + 2 * SECOND + 1)).extracting(StoredProduct::id)
                .containsExactly("c", "d");
        assertThat(chunks.add(Optional.of(item("e")), start + 2 * SECOND + 2)).isNull();
        assertThat(chunks.rest()).extracting(StoredProduct::id).containsExactly("e");
    }

    @Test
    void anItemWrittenAgainOnItsOwnCutsADueChunkButAddsNothing() {
        PublishChunks chunks = new PublishChunks(SECOND, 0);
        assertThat(chunks.add(Optional.of(item("a")), 1)).isNull();
        assertThat(chunks.add(Optional.empty(), SECOND + 1)).extracting(StoredProduct::id).containsExactly("a");
        assertThat(chunks.add(Optional.empty(), 3 * SECOND)).as("nothing to publish").isNull();
        assertThat(chunks.rest()).isEmpty();
    }
}
