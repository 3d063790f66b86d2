package io.catalog.service;

import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.catalog.cache.ProductValues;
import io.catalog.model.Product;
import io.catalog.model.ProductUpdated;
import io.catalog.service.BatchWriter.BatchResult;
import io.catalog.service.BatchWriter.PriceUpdate;
import io.catalog.service.WriteResult.Status;
import io.catalog.store.CounterStore;
import io.catalog.store.PendingEvent;
import io.catalog.store.ProductStore;
import io.catalog.store.StoredProduct;
import io.catalog.support.Json;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/**
 * {@link CatalogWriter} called directly (not through HTTP) on the application's real store: what each write
 * decides, the item and event it writes, optimistic concurrency with retries, and batches.
 */
@QuarkusTest
class CatalogWriterTest {

    @Inject
    CatalogWriter writer;
    @Inject
    BatchWriter batches;

    @Inject
    ProductStore store;

    @Inject
    Json json;

    @Inject
    ProductDocuments documents;

    @Inject
    ProductValues values;

    @Inject
    CounterStore counters;

    @Inject
    io.catalog.cache.CacheCoherence coherence;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(10));
    }

    private static BigDecimal exact(String value) {
        return new BigDecimal(value);
    }

    private StoredProduct stored(String id) {
        return await(store.read(id, true)).orElseThrow();
    }

    private long steps(String step) {
        return registry.get("catalog.write.steps").tag("step", step).timer().count();
    }

    @Test
    void eachStepOfAWriteIsTimed() {
        String id = uniqueId("steps");
        await(writer.put(id, "Stool", "office", exact("4"), null));
        long read = steps("read");
        long put = steps("put");
        long publish = steps("publish");

        await(writer.patchPrice(id, exact("5"), null));
        assertThat(steps("read")).isEqualTo(read + 1);
        assertThat(steps("put")).isEqualTo(put + 1);
        assertThat(steps("publish")).isEqualTo(publish + 1);

        assertThat(await(writer.patchPrice(id, exact("6"), "\"not-the-etag\"")).status())
                .isEqualTo(Status.PRECONDITION_FAILED);
        assertThat(steps("read")).as("a refused write still read").isEqualTo(read + 2);
        assertThat(steps("put")).as("but put nothing").isEqualTo(put + 1);
    }

    /**
     * A product changed again and again: each write removes the events its pod published before (no clear of their
     * own), and what the last write left is cleared once {@code OutboxClears}' delay has passed.
     */
    @Test
    void aWriteRemovesThePublishedEventsOfItsItemAndTheRestIsClearedAfterTheDelay() {
        String id = uniqueId("clears");
        await(writer.put(id, "Kettle", "kitchen", exact("10"), null));
        double byWrite = registry.get("catalog.outbox.clears").tag("by", "write").counter().count();
        long previous = 0;
        for (int i = 1; i <= 3; i++) {
            WriteResult written = await(writer.patchPrice(id, exact("1" + i), null));
            assertThat(stored(id).outbox()).extracting(PendingEvent::sequence)
                    .as("the outbox after write %d", i).doesNotContain(previous).contains(written.product().sequence());
            previous = written.product().sequence();
        }
        assertThat(registry.get("catalog.outbox.clears").tag("by", "write").counter().count())
                .as("events removed by the next write").isGreaterThanOrEqualTo(byWrite + 3);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(stored(id).outbox()).as("cleared after the delay").isEmpty());
    }

    @Test
    void createUpdateDeleteAndCreateAgain() {
        String id = uniqueId("life");
        WriteResult created = await(writer.put(id, "Lamp", "office", exact("2.5"), null));
        assertThat(created.status()).isEqualTo(Status.CREATED);
        assertThat(created.product().version()).isEqualTo(1);
        assertThat(created.product().price()).isEqualTo(exact("2.50"));
        assertThat(stored(id).product()).isEqualTo(created.product());

        WriteResult updated = await(writer.patchPrice(id, exact("3"), null));
        assertThat(updated.status()).isEqualTo(Status.UPDATED);
        assertThat(updated.product().version()).isEqualTo(2);
        assertThat(updated.product().sequence()).isGreaterThan(created.product().sequence());
        assertThat(stored(id).product().price()).isEqualTo(exact("3.00"));

        WriteResult deleted = await(writer.delete(id, null));
        assertThat(deleted.status()).isEqualTo(Status.DELETED);
        assertThat(stored(id).live()).isFalse();
        assertThat(await(writer.patchPrice(id, exact("4.00"), null)).status()).isEqualTo(Status.NOT_FOUND);
        assertThat(await(writer.delete(id, null)).status()).isEqualTo(Status.NOT_FOUND);

        WriteResult again = await(writer.put(id, "Lamp", "office", exact("5.00"), null));
        assertThat(again.status()).isEqualTo(Status.CREATED);
        assertThat(again.product().sequence()).isGreaterThan(deleted.product().sequence());
    }

    @Test
    void ifMatchMustNameTheCurrentRepresentation() {
        String id = uniqueId("ifm");
        Product v1 = await(writer.put(id, "Lamp", "office", exact("1.00"), null)).product();
        String current = writer.etag(v1);

        assertThat(await(writer.patchPrice(id, exact("2.00"), "\"stale\"")).status())
                .isEqualTo(Status.PRECONDITION_FAILED);
        assertThat(stored(id).product()).isEqualTo(v1);

        assertThat(await(writer.patchPrice(id, exact("2.00"), current)).status()).isEqualTo(Status.UPDATED);
        assertThat(await(writer.patchPrice(id, exact("3.00"), current)).status())
                .as("the ETag of a representation that was replaced").isEqualTo(Status.PRECONDITION_FAILED);
        assertThat(await(writer.put(uniqueId("absent"), "N", "office", exact("1.00"), current)).status())
                .as("If-Match on a product that does not exist").isEqualTo(Status.PRECONDITION_FAILED);
    }

    private double reads(String outcome) {
        return registry.get("catalog.writes.reads").tag("outcome", outcome).counter().count();
    }

    /** A product this pod holds (it applied its last change) is written with no read: one call to DynamoDB. */
    @Test
    void aWriteOfAProductThisPodHoldsTakesNoRead() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(coherence::l1Trusted);
        String id = uniqueId("unread");
        Product created = await(writer.put(id, "Desk", "office", exact("10.00"), null)).product();
        double none = reads("none");
        double cold = reads("cold");

        WriteResult first = await(writer.patchPrice(id, exact("11.00"), writer.etag(created)));
        WriteResult second = await(writer.patchPrice(id, exact("12.00"), null));

        assertThat(reads("none")).isEqualTo(none + 2);
        assertThat(reads("cold")).isEqualTo(cold);
        assertThat(first.status()).isEqualTo(Status.UPDATED);
        assertThat(second.product().version()).isEqualTo(3);
        assertThat(second.product().sequence()).isGreaterThan(first.product().sequence())
                .isGreaterThan(created.sequence());
        StoredProduct item = stored(id);
        assertThat(item.product()).isEqualTo(second.product());
        assertThat(item.outbox()).as("the event is appended to what is pending, never in place of it")
                .allMatch(e -> e.sequence() <= second.product().sequence());
    }

    /**
     * What L1 holds is only assumed: when the item changed behind this pod's back, the write's condition fails, it
     * reads the item and lands on the current state (its version follows the current one), and an If-Match naming
     * what L1 holds, no longer current, is refused.
     */
    @Test
    void aWriteThatAssumedAnOutdatedCopyReadsTheItemAndFollowsTheCurrentState() {
        String id = uniqueId("outdated");
        Product held = await(writer.put(id, "Chair", "office", exact("1.00"), null)).product();
        StoredProduct before = stored(id);
        long behind = await(counters.reserve(1));
        Product changed = new Product(id, held.name(), held.category(), exact("2.00"), held.currency(), 7,
                held.updatedAt(), behind);
        assertThat(await(store.write(new StoredProduct(changed, false, List.of()), Optional.of(before)))).isTrue();
        double changedBefore = reads("changed");

        assertThat(await(writer.patchPrice(id, exact("3.00"), writer.etag(held))).status())
                .as("If-Match names what L1 held, replaced since").isEqualTo(Status.PRECONDITION_FAILED);
        assertThat(stored(id).product()).isEqualTo(changed);
        assertThat(reads("changed")).isEqualTo(changedBefore + 1);

        WriteResult result = await(writer.patchPrice(id, exact("4.00"), null));
        assertThat(result.status()).isEqualTo(Status.UPDATED);
        assertThat(result.product().version()).isEqualTo(8);
        assertThat(result.product().sequence()).isGreaterThan(behind);
        assertThat(stored(id).product()).isEqualTo(result.product());
    }

    /**
     * Sequences come from this pod's block, but a change always comes after every change the pod heard of, on any key
     * (another pod's block may be far above this one's): the Lamport bound that keeps floors, low-water marks and
     * listings ordered as with one counter per write.
     */
    @Test
    void aWriteComesAfterEveryChangeItsPodHeardOf() {
        String id = uniqueId("lamport");
        await(writer.put(id, "Lamp", "office", exact("1.00"), null));
        long elsewhere = await(counters.reserve(1)) + 5_000;
        Product other = new Product(uniqueId("elsewhere"), "Far", "garden", exact("9.00"), "USD", 1,
                java.time.Instant.now(), elsewhere);
        coherence.apply(ProductUpdated.of(other, null, false, null));

        WriteResult result = await(writer.patchPrice(id, exact("2.00"), null));

        assertThat(result.product().sequence()).isGreaterThan(elsewhere);
    }

    /** A product with no item at all (new, or its tombstone expired) takes a sequence above every one handed out. */
    @Test
    void aProductWithNoItemTakesASequenceAboveEveryOneHandedOut() {
        await(writer.put(uniqueId("warm"), "Warm", "office", exact("1.00"), null)); // this pod holds a block
        long handedOut = await(counters.reserve(1));

        WriteResult created = await(writer.put(uniqueId("new"), "New", "office", exact("1.00"), null));

        assertThat(created.status()).isEqualTo(Status.CREATED);
        assertThat(created.product().sequence()).isGreaterThan(handedOut);
    }

    @Test
    void concurrentWritesAreAllAppliedOneAfterTheOther() {
        String id = uniqueId("race");
        await(writer.put(id, "Hot", "office", exact("1.00"), null));
        List<Uni<WriteResult>> writes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            writes.add(writer.patchPrice(id, exact((10 + i) + ".00"), null));
        }
        List<WriteResult> results = await(Uni.join().all(writes).andFailFast());

        assertThat(results).extracting(WriteResult::status).containsOnly(Status.UPDATED);
        assertThat(results).extracting(r -> r.product().version()).containsExactlyInAnyOrder(2L, 3L, 4L, 5L);
        assertThat(stored(id).product().version()).isEqualTo(5);
    }

    /**
     * As many concurrent writers of one product as a write has attempts: each attempt lost is a win of another writer,
     * and each writer wins once, so every write lands (no 409), in some order. With five attempts and no pause between
     * them, eight writers got a conflict now and then.
     */
    @Test
    void asManyConcurrentWritersAsAttemptsAllLand() {
        String id = uniqueId("race8");
        await(writer.put(id, "Hot", "office", exact("1.00"), null));
        List<Uni<WriteResult>> writes = new ArrayList<>();
        for (int i = 0; i < CatalogWriter.MAX_ATTEMPTS; i++) {
            writes.add(writer.patchPrice(id, exact((20 + i) + ".00"), null));
        }
        List<WriteResult> results = await(Uni.join().all(writes).andFailFast());

        assertThat(results).extracting(WriteResult::status).containsOnly(Status.UPDATED);
        assertThat(stored(id).product().version()).isEqualTo(1 + CatalogWriter.MAX_ATTEMPTS);
    }

    @Test
    void aWriteThatLostWaitsARandomPauseThatDoublesUpToACap() {
        assertThat(CatalogWriter.backoff(1)).isEqualTo(Duration.ofMillis(2));
        assertThat(CatalogWriter.backoff(2)).isEqualTo(Duration.ofMillis(4));
        assertThat(CatalogWriter.backoff(3)).isEqualTo(Duration.ofMillis(8));
        assertThat(CatalogWriter.backoff(4)).isEqualTo(CatalogWriter.MAX_BACKOFF);
        assertThat(CatalogWriter.backoff(40)).isEqualTo(CatalogWriter.MAX_BACKOFF);
    }

    /**
     * The race below made deterministic: the item already holds a newer sequence than the one the writer reserves
     * (what a concurrent write that reserved after it and put before its read leaves). The writer must take a new
     * sequence instead of moving the product's sequence backwards.
     */
    @Test
    void aSequenceReservedBeforeANewerWriteIsNeverUsed() {
        String id = uniqueId("seq-behind");
        await(writer.put(id, "Hot", "office", exact("1.00"), null));
        StoredProduct before = stored(id);
        long reserved = await(counters.reserve(1));
        Product p = before.product();
        Product ahead = new Product(p.id(), p.name(), p.category(), exact("2.00"), p.currency(), p.version() + 1,
                p.updatedAt(), reserved + 2);
        assertThat(await(store.write(new StoredProduct(ahead, false, List.of()), Optional.of(before)))).isTrue();

        WriteResult result = await(writer.patchPrice(id, exact("3.00"), null));

        assertThat(result.status()).isEqualTo(Status.UPDATED);
        assertThat(result.product().sequence()).isGreaterThan(reserved + 2);
        assertThat(stored(id).product().sequence()).isEqualTo(result.product().sequence());
    }

    /**
     * The sequence is reserved while the item is read: a write that reserved before another write's reservation but
     * read after its put must not write with the older sequence (the product's sequence, which every tier compares,
     * would go backwards). Runs the race: many concurrent price changes of one product, a few rounds; the sequence
     * must rise with every version.
     */
    @Test
    void aProductsSequenceRisesWithEveryVersionUnderConcurrentWrites() {
        String id = uniqueId("seq-race");
        await(writer.put(id, "Hot", "office", exact("1.00"), null));
        List<WriteResult> all = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            List<Uni<WriteResult>> writes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                writes.add(writer.patchPrice(id, exact((round * 10 + i + 2) + ".00"), null));
            }
            all.addAll(await(Uni.join().all(writes).andFailFast()));
        }
        List<Product> byVersion = all.stream().filter(r -> r.status() == Status.UPDATED).map(WriteResult::product)
                .sorted(java.util.Comparator.comparingLong(Product::version)).toList();
        assertThat(byVersion).isNotEmpty();
        for (int i = 1; i < byVersion.size(); i++) {
            assertThat(byVersion.get(i).sequence()).as("sequence of version %d", byVersion.get(i).version())
                    .isGreaterThan(byVersion.get(i - 1).sequence());
        }
        StoredProduct last = stored(id);
        assertThat(last.product().sequence()).isEqualTo(byVersion.get(byVersion.size() - 1).sequence());
    }

    @Test
    void theItemHoldsItsChangeAsAnEventNextToTheEventsNotYetPublished() {
        String id = uniqueId("apply");
        StoredProduct before = new StoredProduct(new Product(id, "Lamp", "office", exact("1.00"), "USD", 3,
                java.time.Instant.parse("2026-01-01T00:00:00Z"), 40), false, List.of(new PendingEvent(40, "{}")));

        StoredProduct after = writer.apply(id, Optional.of(before),
                new ProductChange.Next("Lamp", "garden", exact("2.00"), false), 41);

        assertThat(after.product().version()).isEqualTo(4);
        assertThat(after.product().sequence()).isEqualTo(41);
        assertThat(after.outbox()).extracting(PendingEvent::sequence).containsExactly(40L, 41L);
        ProductUpdated event = json.read(after.outbox().get(1).json(), ProductUpdated.class);
        assertThat(event.productId()).isEqualTo(id);
        assertThat(event.sequence()).isEqualTo(41);
        assertThat(event.version()).isEqualTo(4);
        assertThat(event.price()).isEqualTo(exact("2.00"));
        assertThat(event.previousPrice()).isEqualTo(exact("1.00"));
        assertThat(event.category()).isEqualTo("garden");
        assertThat(event.previousCategory()).as("a move names the category it left").isEqualTo("office");
        assertThat(event.deleted()).isFalse();
    }

    /** Update in place: a pod holds what an event carries, which must be exactly what a reload would give it. */
    @Test
    void anEventCarriesExactlyTheDocumentThatAReadOfTheStoreGives() {
        String id = uniqueId("doc");
        await(writer.put(id, "Lamp \"deluxe\" é", "office", exact("2.5"), null));
        for (ProductChange.Next next : List.of(new ProductChange.Next("Lamp", "garden", exact("4.1"), false),
                new ProductChange.Next("Lamp", "garden", exact("4.10"), true))) {
            StoredProduct current = stored(id);
            StoredProduct after = writer.apply(id, Optional.of(current), next, current.product().sequence() + 7);
            assertThat(await(store.write(after, Optional.of(current)))).isTrue();
            ProductUpdated event = json.read(after.outbox().get(after.outbox().size() - 1).json(),
                    ProductUpdated.class);

            assertThat(values.of(event)).contains(documents.of(id, Optional.of(stored(id))));
        }
    }

    /**
     * A batch writes the products this pod holds without reading them, as a single write does, and one that changed
     * behind the pod's back lands on its current state (written again on its own, read first).
     */
    @Test
    void aBatchReadsOnlyWhatThisPodDoesNotHoldOrHoldsOutdated() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(coherence::l1Trusted);
        String held = uniqueId("bheld");
        String outdated = uniqueId("bout");
        await(writer.put(held, "Held", "office", exact("1.00"), null));
        Product old = await(writer.put(outdated, "Outdated", "office", exact("1.00"), null)).product();
        long behind = await(counters.reserve(1));
        Product changed = new Product(outdated, old.name(), old.category(), exact("2.00"), old.currency(), 7,
                old.updatedAt(), behind);
        assertThat(await(store.write(new StoredProduct(changed, false, List.of()), Optional.of(stored(outdated)))))
                .isTrue();
        double none = reads("none");
        double cold = reads("cold");
        double changedBefore = reads("changed");

        List<BatchResult> results = await(batches.batchPrices(List.of(new PriceUpdate(held, exact("1.10")),
                new PriceUpdate(outdated, exact("3.00")), new PriceUpdate(uniqueId("bnone"), exact("4.00")))));

        assertThat(results).extracting(BatchResult::status).containsExactly(200, 200, 404);
        assertThat(reads("none")).as("held and current: written without a read").isEqualTo(none + 1);
        assertThat(reads("cold")).as("the unknown one: read").isEqualTo(cold + 1);
        assertThat(reads("changed")).as("the outdated one: read after its write failed").isEqualTo(changedBefore + 1);
        assertThat(stored(held).product().price()).isEqualTo(exact("1.10"));
        assertThat(stored(outdated).product().price()).isEqualTo(exact("3.00"));
        assertThat(stored(outdated).product().version()).as("follows the current state").isEqualTo(8);
        assertThat(results.get(1).version()).isEqualTo(8);
    }

    @Test
    void aBatchSetsTheKnownPricesAndNamesTheUnknownInOrder() {
        String a = uniqueId("ba");
        String b = uniqueId("bb");
        await(writer.put(a, "A", "office", exact("1.00"), null));
        await(writer.put(b, "B", "office", exact("2.00"), null));

        List<BatchResult> results = await(batches.batchPrices(List.of(new PriceUpdate(a, exact("1.5")),
                new PriceUpdate(uniqueId("unknown"), exact("9.00")), new PriceUpdate(b, exact("2.50")))));

        assertThat(results).extracting(BatchResult::status).containsExactly(200, 404, 200);
        assertThat(results.get(0).version()).isEqualTo(2);
        assertThat(results.get(1).version()).isNull();
        assertThat(stored(a).product().price()).isEqualTo(exact("1.50"));
        assertThat(stored(b).product().price()).isEqualTo(exact("2.50"));
    }
}
