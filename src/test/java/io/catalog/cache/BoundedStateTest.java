package io.catalog.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.catalog.lab.AbsentL2;
import io.catalog.model.ProductUpdated;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * A client inventing keys: every per-key structure of the read path stays within its bound, and the floors that
 * the flood evicts still give monotonic reads (an evicted key falls back to the low-water mark and is re-read
 * strongly consistent). Tiny bounds, a fake ticker, no L2.
 */
class BoundedStateTest {

    static final int FLOORS = 8;
    static final int L1_ENTRIES = 8;
    static final long L1_BYTES = 8_000;

    private final FakeTicker ticker = new FakeTicker();
    private CacheCoherence coherence;
    private TieredCache cache;

    @BeforeEach
    void setUp() {
        coherence = new CacheCoherence(Duration.ofSeconds(30), new CacheCoherence.Bounds(L1_ENTRIES, L1_BYTES, FLOORS),
                Duration.ofSeconds(2), ticker);
        cache = new TieredCache(coherence, new AbsentL2("t:"),
                new SimpleMeterRegistry());
        coherence.heartbeat();
    }

    /** One resource whose newest version the test sets; eventual reads (a lagging replica, DAX) may lag behind. */
    static final class Item implements Source {
        final String token;
        final AtomicLong current;
        final AtomicLong eventual;
        final AtomicInteger consistentLoads = new AtomicInteger();

        Item(String token, long version) {
            this.token = token;
            this.current = new AtomicLong(version);
            this.eventual = new AtomicLong(version);
        }

        @Override
        public Uni<Plan> plan() {
            return Uni.createFrom().item(new Plan(token, consistent -> {
                if (consistent) {
                    consistentLoads.incrementAndGet();
                }
                long version = consistent ? current.get() : eventual.get();
                return Uni.createFrom().item(version == 0 ? CachedValue.absent(0, token, List.of())
                        : CachedValue.found("{\"v\":" + version + "}", version, token, List.of(token)));
            }));
        }
    }

    private Served read(Item item) {
        return cache.get(item.token, item, Duration.ofSeconds(30)).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void aFloodOfInventedKeysLeavesEveryPerKeyStructureBounded() {
        for (int i = 0; i < 5_000; i++) {
            read(new Item("p:invented-" + i, 0));
            read(new Item("c:invented-" + i, i % 7));
            read(new Item("l:*:" + (1 + i % 100) + ":after-" + i, 3));
        }

        assertThat(coherence.floors().size()).isLessThanOrEqualTo(FLOORS);
        // quarkus-cache's Caffeine evicts in the background: the bound holds a moment after the last put
        await("L1 back within its bounds").atMost(Duration.ofSeconds(10))
                .until(() -> coherence.l1().size() <= L1_ENTRIES && coherence.l1().weight() <= L1_BYTES);
        assertThat(cache.inFlight()).isZero();
    }

    @Test
    void anEvictedKeyIsNeverServedOlderThanWhatThePodServedBefore() {
        Item a = new Item("p:a", 5);
        assertThat(read(a).value().version()).isEqualTo(5);
        // a change: the pod applies its event and then serves the new version
        a.current.set(7);
        coherence.apply(ProductUpdated.of("a", "c", 7, 7, null, null, false, java.time.Instant.now(), null));
        assertThat(read(a).value().version()).isEqualTo(7);

        // invented keys with real versions push p:a's floor (and its L1 entry) out
        for (int i = 0; i < 100_000 && coherence.floors().holds("p:a"); i++) {
            read(new Item("p:flood-" + i, 9));
        }
        assertThat(coherence.floors().holds("p:a")).as("p:a's floor was evicted").isFalse();
        assertThat(coherence.floors().lowWater()).isGreaterThanOrEqualTo(7);

        // L1 may have kept p:a's entry (Caffeine admits by frequency, and p:a was read more often than the flood):
        // drop it, so that the next read has neither floor nor entry, only the low-water mark
        coherence.l1().invalidateOlderThan("p:a", Long.MAX_VALUE);
        // a lagging replica still has version 5: it must not be served, the store is asked strongly consistent
        a.eventual.set(5);
        int consistentBefore = a.consistentLoads.get();
        assertThat(read(a).value().version()).isEqualTo(7);
        assertThat(a.consistentLoads.get()).isEqualTo(consistentBefore + 1);
    }

    @Test
    void aStronglyConsistentReadGivesAnEvictedKeyItsFloorBack() {
        coherence.floors().evicted(50);
        Item a = new Item("p:a", 40);
        assertThat(read(a).value().version()).isEqualTo(40);
        assertThat(a.consistentLoads.get()).as("40 is below the low-water mark: read strongly consistent").isOne();

        Served again = read(a);

        assertThat(again.value().version()).isEqualTo(40);
        assertThat(again.tier()).as("admitted from L1 again, not re-read every time").isEqualTo(Tier.L1);
        assertThat(a.consistentLoads.get()).isOne();
    }

    @Test
    void aKeyNeverSeenBeforeIsCheckedAgainstTheLowWaterMark() {
        coherence.floors().evicted(50);
        Item b = new Item("p:b", 40);
        b.eventual.set(30);

        Served served = read(b);

        assertThat(served.value().version()).as("the lagging replica's 30 is older than the low-water mark")
                .isEqualTo(40);
        assertThat(b.consistentLoads.get()).isEqualTo(1);
    }
}
