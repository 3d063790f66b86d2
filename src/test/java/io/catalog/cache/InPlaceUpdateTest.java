package io.catalog.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import io.catalog.cache.TieredCacheTest.Product;
import io.catalog.lab.AbsentL2;
import io.catalog.lab.UncoordinatedCoherence;
import io.catalog.model.ProductUpdated;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Update in place: an applied event puts the product's new version into L1, so the next read is an L1 hit without
 * any load; duplicated, re-ordered and concurrently applied events never put an older version; after a flush or
 * while the feed catches up, the event only invalidates.
 */
class InPlaceUpdateTest {

    private final FakeTicker ticker = new FakeTicker();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private CacheCoherence coherence;
    private TieredCache cache;

    @BeforeEach
    void setUp() {
        coherence = new CacheCoherence(TieredCacheTest.TTL, 1000, TieredCacheTest.STALE_AFTER, ticker);
        cache = new TieredCache(coherence, new AbsentL2("t:"), registry);
        coherence.heartbeat();
    }

    private static ProductUpdated event(long sequence) {
        return ProductUpdated.of("a", "c", sequence, sequence, new BigDecimal("1.00"), null, false, Instant.now(), null);
    }

    private void apply(long sequence) {
        coherence.apply(event(sequence), Product.value(sequence), coherence.l1().epoch());
    }

    private Served get(Product source) {
        return cache.get("p:a", source, TieredCacheTest.TTL).await().atMost(Duration.ofSeconds(5));
    }

    private double storeLoads() {
        return registry.get("catalog.store.loads").counter().count();
    }

    @Test
    void afterAnEventL1HoldsTheNewVersionWithoutAnyLoad() {
        Product source = new Product();
        assertThat(get(source).tier()).isEqualTo(Tier.MISS);

        source.current.set(2);
        source.eventual.set(2);
        apply(2);

        Served served = get(source);
        assertThat(served.tier()).isEqualTo(Tier.L1);
        assertThat(served.value().version()).isEqualTo(2);
        assertThat(source.loads.get()).isEqualTo(1);
        assertThat(storeLoads()).isEqualTo(1);
    }

    @Test
    void aProductNeverReadHereIsHeldToo() {
        Product source = new Product();
        apply(7);

        assertThat(get(source).tier()).isEqualTo(Tier.L1);
        assertThat(source.loads.get()).isZero();
    }

    @Test
    void aDeleteIsHeldAsTheAbsentValueAtItsVersion() {
        Product source = new Product();
        get(source);
        coherence.apply(event(3), CachedValue.absent(3, "p:a", List.of("product-a")), coherence.l1().epoch());

        Served served = get(source);
        assertThat(served.tier()).isEqualTo(Tier.L1);
        assertThat(served.value().exists()).isFalse();
        assertThat(served.value().version()).isEqualTo(3);
        assertThat(source.loads.get()).isEqualTo(1);
    }

    @Test
    void duplicatedAndReorderedEventsNeverPutAnOlderVersion() {
        Random random = new Random(12);
        List<Long> events = new ArrayList<>();
        for (long s = 1; s <= 50; s++) {
            events.add(s);
            events.add(s);
        }
        Collections.shuffle(events, random);
        long newest = 0;
        for (long s : events) {
            apply(s);
            newest = Math.max(newest, s);
            assertThat(coherence.l1().get("p:a").version()).isEqualTo(newest);
        }
    }

    @RepeatedTest(5)
    void eventsAppliedConcurrentlyNeverTakeAReaderBack() {
        Product source = new Product();
        List<Long> events = new ArrayList<>(IntStream.rangeClosed(2, 400).mapToObj(Long::valueOf).toList());
        events.addAll(events);
        Collections.shuffle(events, new Random());
        ConcurrentLinkedQueue<Long> queue = new ConcurrentLinkedQueue<>(events);
        AtomicBoolean done = new AtomicBoolean();
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                seen.add(get(source).value().version());
            }
        });
        CompletableFuture.allOf(IntStream.range(0, 4).mapToObj(t -> CompletableFuture.runAsync(() -> {
            for (Long s = queue.poll(); s != null; s = queue.poll()) {
                // the write is durable before its event is applied anywhere
                source.current.accumulateAndGet(s, Math::max);
                source.eventual.accumulateAndGet(s, Math::max);
                apply(s);
            }
        })).toArray(CompletableFuture[]::new)).join();
        done.set(true);
        reader.join();

        assertThat(coherence.l1().get("p:a").version()).isEqualTo(400);
        assertThat(seen).isSorted();
    }

    @Test
    void anEventReadBeforeAFlushIsNotPut() {
        long epoch = coherence.l1().epoch();
        coherence.feedLost();
        coherence.heartbeat();

        coherence.apply(event(2), Product.value(2), epoch);

        assertThat(coherence.l1().get("p:a")).isNull();
    }

    @Test
    void whileTheFeedCatchesUpAnEventOnlyInvalidates() {
        Product source = new Product();
        get(source);
        coherence.feedLost();

        apply(2);

        assertThat(coherence.l1().get("p:a")).isNull();
        coherence.heartbeat();
        apply(3);
        assertThat(coherence.l1().get("p:a").version()).isEqualTo(3);
    }

    @Test
    void theWritersOwnEventPutsItsVersionBeforeTheFeedBringsIt() {
        Product source = new Product();
        get(source);

        coherence.applyOwn(event(5), Product.value(5), coherence.l1().epoch());

        Served served = get(source);
        assertThat(served.tier()).isEqualTo(Tier.L1);
        assertThat(served.value().version()).isEqualTo(5);
        assertThat(coherence.floors().of("p:a")).isEqualTo(5);
    }

    @Test
    void theLabsTtlOnlyL1IgnoresItsOwnEvents() {
        CacheCoherence ttlOnly = new UncoordinatedCoherence(TieredCacheTest.TTL, 1000, ticker, true);
        ttlOnly.applyOwn(event(2), Product.value(2), ttlOnly.l1().epoch());

        assertThat(ttlOnly.l1().get("p:a")).isNull();
    }
}
