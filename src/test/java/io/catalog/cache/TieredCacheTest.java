package io.catalog.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.lab.AbsentL2;
import io.catalog.model.Product;
import io.catalog.model.ProductUpdated;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * The races of the read path, run deterministically: loads are held open with futures the test completes, and
 * time is a fake ticker. L2 is switched off here; its compare-and-set runs against a real Redis in L2CacheIT.
 */
class TieredCacheTest {

    static final Duration TTL = Duration.ofSeconds(30);
    static final Duration STALE_AFTER = Duration.ofSeconds(2);

    private final FakeTicker ticker = new FakeTicker();
    private CacheCoherence coherence;
    private TieredCache cache;

    @BeforeEach
    void setUp() {
        coherence = new CacheCoherence(TTL, 1000, STALE_AFTER, ticker);
        L2Cache l2 = new AbsentL2("t:");
        cache = new TieredCache(coherence, l2, new SimpleMeterRegistry());
        coherence.heartbeat();
    }

    /** A product source whose current version the test sets; eventual reads may lag behind. */
    static final class Product implements Source {
        final AtomicLong current = new AtomicLong(1);
        final AtomicLong eventual = new AtomicLong(1);
        final AtomicInteger loads = new AtomicInteger();
        final AtomicInteger consistentLoads = new AtomicInteger();
        volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

        @Override
        public Uni<Plan> plan() {
            return Uni.createFrom().item(new Plan("p:a", consistent -> {
                loads.incrementAndGet();
                if (consistent) {
                    consistentLoads.incrementAndGet();
                }
                long version = consistent ? current.get() : eventual.get();
                return Uni.createFrom().completionStage(gate).map(x -> value(version));
            }));
        }

        static CachedValue value(long version) {
            return CachedValue.found("{\"version\":" + version + "}", version, "p:a", List.of("product-a"));
        }
    }

    private Served get(Product source) {
        return cache.get("p:a", source, TTL).await().atMost(Duration.ofSeconds(5));
    }

    private void event(long sequence) {
        coherence.apply(ProductUpdated.of("a", "c", sequence, sequence, null, null, false, java.time.Instant.now(), null));
    }

    @Test
    void aSecondReadIsAnL1Hit() {
        Product source = new Product();

        assertThat(get(source).tier()).isEqualTo(Tier.MISS);
        assertThat(get(source).tier()).isEqualTo(Tier.L1);
        assertThat(source.loads.get()).isEqualTo(1);
    }

    @Test
    void anEventEvictsAndTheNextReadLoadsTheNewVersion() {
        Product source = new Product();
        get(source);

        source.current.set(2);
        source.eventual.set(2);
        event(2);

        Served served = get(source);
        assertThat(served.tier()).isEqualTo(Tier.MISS);
        assertThat(served.value().version()).isEqualTo(2);
    }

    @RepeatedTest(10)
    void staleSet_aLoadThatReadTheOldVersionBeforeTheEventIsNeitherServedNorCached() {
        Product source = new Product();
        source.gate = new CompletableFuture<>();
        // a reader misses and reads v1 ... (held open by the gate)
        CompletableFuture<Served> slow = cache.get("p:a", source, TTL).subscribeAsCompletionStage().toCompletableFuture();
        // ... meanwhile v2 is written and its event applied
        source.current.set(2);
        event(2);
        // ... then the slow read completes with what it read: v1
        source.gate.complete(null);

        Served served = slow.join();
        assertThat(served.value().version()).isEqualTo(2);
        assertThat(get(source).value().version()).isEqualTo(2);
        assertThat(coherence.l1().get("p:a").version()).isEqualTo(2);
    }

    @Test
    void monotonicReads_anEventuallyConsistentReadOlderThanWhatWasServedIsReadAgainConsistently() {
        Product source = new Product();
        source.current.set(5);
        source.eventual.set(5);
        assertThat(get(source).value().version()).isEqualTo(5);

        // L1 is dropped (feed lost), and the replica the next read hits lags behind
        coherence.feedLost();
        source.eventual.set(4);

        Served served = get(source);
        assertThat(served.value().version()).isEqualTo(5);
        assertThat(source.consistentLoads.get()).isEqualTo(1);
    }

    @Test
    void withoutAHeartbeatL1IsNotTrusted() {
        Product source = new Product();
        get(source);
        assertThat(get(source).tier()).isEqualTo(Tier.L1);

        ticker.advance(STALE_AFTER.plusMillis(1));

        assertThat(coherence.l1Trusted()).isFalse();
        assertThat(get(source).tier()).isEqualTo(Tier.MISS);
    }

    /**
     * An L2 that answers one entry for every key: what a pod finds in the key space of a Redis incarnation that has
     * ended, where a loader put the version before one acknowledged since (whose marker is in the new key space).
     */
    static final class EndedIncarnation extends AbsentL2 {
        final CachedValue entry;
        final AtomicInteger reads = new AtomicInteger();

        EndedIncarnation(CachedValue entry) {
            super("t:");
            this.entry = entry;
        }

        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public Uni<Hit> get(String key) {
            reads.incrementAndGet();
            return Uni.createFrom().item(new Hit(entry, 600_000));
        }
    }

    @Test
    void aPodWhoseFeedIsNotTrustedDoesNotReadL2AndReadsTheStoreConsistently() {
        EndedIncarnation l2 = new EndedIncarnation(Product.value(40));
        TieredCache withL2 = new TieredCache(coherence, l2, new SimpleMeterRegistry());
        Product source = new Product();
        source.current.set(41);
        source.eventual.set(40); // a replica, or the lagging store of the fault run
        // the pod froze: its lease ran out while the write of 41 was acknowledged without it
        ticker.advance(STALE_AFTER.plusMillis(1));

        Served served = withL2.get("p:a", source, TTL).await().atMost(Duration.ofSeconds(5));

        assertThat(served.value().version()).isEqualTo(41);
        assertThat(served.tier()).isEqualTo(Tier.MISS);
        assertThat(l2.reads.get()).isZero();
        assertThat(source.consistentLoads.get()).isEqualTo(1);

        // trusted again (a round that checked Redis' identity): L2 is read, and what its floor refuses is not served
        coherence.heartbeat();
        coherence.l1().flush();
        assertThat(withL2.get("p:a", source, TTL).await().atMost(Duration.ofSeconds(5)).value().version())
                .isEqualTo(41);
        assertThat(l2.reads.get()).isEqualTo(1);
    }

    /**
     * The lab's designs without a coordinated L1 follow no feed, and read L2 as the seed did: gating L2 on the feed's
     * trust must not turn their L2 off (a pod with L1 disabled answers from L2, as bin/bench's "L2 hit" measures).
     */
    @Test
    void aPodWithoutL1ReadsL2() {
        EndedIncarnation l2 = new EndedIncarnation(Product.value(7));
        CacheCoherence noL1 = new io.catalog.lab.UncoordinatedCoherence(TTL, 1000, ticker, false);
        TieredCache withoutL1 = new TieredCache(noL1, l2, new SimpleMeterRegistry());

        Served served = withoutL1.get("p:a", new Product(), TTL).await().atMost(Duration.ofSeconds(5));

        assertThat(served.tier()).isEqualTo(Tier.L2);
        assertThat(served.value().version()).isEqualTo(7);
        assertThat(l2.reads.get()).isEqualTo(1);
    }

    @Test
    void aLostFeedDropsL1AndLoadsBegunBeforeTheLossAreNotCached() {
        Product source = new Product();
        source.gate = new CompletableFuture<>();
        CompletableFuture<Served> inFlight = cache.get("p:a", source, TTL).subscribeAsCompletionStage()
                .toCompletableFuture();

        coherence.feedLost();
        coherence.heartbeat();
        source.gate.complete(null);
        inFlight.join();

        assertThat(coherence.l1().get("p:a")).isNull();
    }

    @Test
    void l1IsNoLongerTrustedAfterFeedSilenceWhateverTheTickersOrigin() {
        // System.nanoTime's origin is arbitrary: its values may be negative
        Ticker negative = () -> ticker.read() - 10_000_000_000_000L;
        CacheCoherence onNegative = new CacheCoherence(TTL, 1000, STALE_AFTER, negative);
        onNegative.heartbeat();
        assertThat(onNegative.l1Trusted()).isTrue();

        ticker.advance(STALE_AFTER.plusMillis(1));
        assertThat(onNegative.l1Trusted()).as("the feed silent for longer than feed-stale-after").isFalse();
        onNegative.heartbeat();
        assertThat(onNegative.l1Trusted()).isTrue();
    }

    @Test
    void entriesExpireAfterTheL1Ttl() {
        Product source = new Product();
        get(source);
        ticker.advance(TTL.plusSeconds(1));
        coherence.heartbeat();

        assertThat(get(source).tier()).isEqualTo(Tier.MISS);
    }

    @RepeatedTest(5)
    void stampede_manyConcurrentMissesMakeOneLoad() {
        Product source = new Product();
        source.gate = new CompletableFuture<>();
        List<CompletableFuture<Served>> readers = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> cache.get("p:a", source, TTL).subscribeAsCompletionStage().toCompletableFuture())
                .toList();

        source.gate.complete(null);

        readers.forEach(r -> assertThat(r.join().value().version()).isEqualTo(1));
        assertThat(source.loads.get()).isEqualTo(1);
    }

    /**
     * An aggregate's label may pass a change it lacks (a change heard with a sequence below it): a read after the pod
     * heard a change does not join a load of the aggregate begun before, though it joins one begun after.
     */
    @Test
    void anAggregateReadJoinsNoLoadBegunBeforeAChangeWasHeard() {
        Product source = new Product();
        source.gate = new CompletableFuture<>();
        CompletableFuture<Served> before = cache.getFresh("p:a", source, TTL).subscribeAsCompletionStage()
                .toCompletableFuture();
        coherence.apply(ProductUpdated.of("b", "c", 1, 7, null, null, false, java.time.Instant.now(), null));
        CompletableFuture<Served> after = cache.getFresh("p:a", source, TTL).subscribeAsCompletionStage()
                .toCompletableFuture();
        CompletableFuture<Served> alongside = cache.getFresh("p:a", source, TTL).subscribeAsCompletionStage()
                .toCompletableFuture();

        source.gate.complete(null);

        before.join();
        after.join();
        alongside.join();
        assertThat(source.loads.get()).as("the load before the change, and one after it shared by two reads")
                .isEqualTo(2);
    }
}
