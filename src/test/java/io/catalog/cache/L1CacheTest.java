package io.catalog.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.Test;

class L1CacheTest {

    private final FakeTicker ticker = new FakeTicker();
    private final L1Cache l1 = new L1Cache(Duration.ofSeconds(30), 100, 1_000_000, ticker);

    @Test
    void aPutFromBeforeAFlushIsDropped() {
        long epoch = l1.epoch();
        l1.flush();

        l1.put("k", FloorsTest.value("p:k", 1), epoch);

        assertThat(l1.get("k")).isNull();
    }

    @Test
    void uncacheableValuesAreNotKept() {
        l1.put("k", FloorsTest.value("p:k", 1).uncacheable(), l1.epoch());

        assertThat(l1.get("k")).isNull();
    }

    @Test
    void theBoundIsBytesNotOnlyEntries() {
        // 10 entries of at most 10,000 estimated bytes each
        L1Cache small = new L1Cache(Duration.ofSeconds(30), 10, 100_000, ticker);
        String big = "x".repeat(20_000);
        String medium = "x".repeat(2_000);
        for (int i = 0; i < 50; i++) {
            small.put("page" + i, CachedValue.found(big, 1, "c:x", List.of("category-x")), small.epoch());
            small.put("part" + i, CachedValue.found(medium, 1, "c:x", List.of("category-x")), small.epoch());
        }

        assertThat(L1Cache.weigh("page0", CachedValue.found(big, 1, "c:x", List.of())))
                .isGreaterThan(2 * big.length());
        assertThat(small.keys()).as("a 40 KB entry is above the per-entry bound: never kept")
                .noneMatch(key -> key.startsWith("page"));
        await("L1 back within its bounds").atMost(Duration.ofSeconds(10))
                .until(() -> small.size() <= 10 && small.weight() <= 100_000);
        assertThat(small.size()).as("smaller entries are kept").isPositive();
    }

    @Test
    void theEntryCountStillBoundsSmallEntries() {
        L1Cache small = new L1Cache(Duration.ofSeconds(30), 10, 1_000_000, ticker);
        for (int i = 0; i < 500; i++) {
            small.put("p:" + i, FloorsTest.value("p:" + i, 1), small.epoch());
        }

        await("evicted down to 10 entries").atMost(Duration.ofSeconds(10)).until(() -> small.size() <= 10);
    }

    @Test
    void anEntryOlderThanANewerVersionIsDroppedAndANewerOneKept() {
        l1.put("k", FloorsTest.value("p:k", 5), l1.epoch());
        l1.invalidateOlderThan("k", 5);
        assertThat(l1.get("k")).as("already holds version 5").isNotNull();

        l1.invalidateOlderThan("k", 6);
        assertThat(l1.get("k")).isNull();
    }

    @Test
    void aFlushDropsEverything() {
        l1.put("a", FloorsTest.value("p:a", 1), l1.epoch());
        l1.put("b", FloorsTest.value("p:b", 1), l1.epoch());
        l1.flush();
        assertThat(l1.get("a")).isNull();
        assertThat(l1.keys()).isEmpty();
    }

    @Test
    void entriesLiveForTheTtl() {
        l1.put("k", FloorsTest.value("p:k", 1), l1.epoch());
        ticker.advance(Duration.ofSeconds(29));
        assertThat(l1.get("k")).isNotNull();

        ticker.advance(Duration.ofSeconds(2));
        assertThat(l1.get("k")).isNull();
    }

    /**
     * Caffeine tells an asynchronous cache of a replaced value with two asynchronous stages on the common pool, which
     * {@code CompletableFuture} replaces with a new thread per stage where that pool is off (2 CPUs or fewer, as on
     * CI): an update must not replace. Where the common pool is on, no thread is started either way, so the test is
     * skipped there.
     */
    @Test
    void updatingAnEntryStartsNoThread() {
        assumeTrue(ForkJoinPool.getCommonPoolParallelism() < 2,
                "only where the common pool is off (2 CPUs or fewer, as on CI) does a replace start threads");
        l1.put("k", FloorsTest.value("p:k", 1), l1.epoch());
        long before = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();

        for (int version = 2; version <= 500; version++) {
            l1.put("k", FloorsTest.value("p:k", version), l1.epoch());
        }

        long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - before;
        assertThat(started).as("threads started by 499 updates").isLessThan(20);
        assertThat(l1.get("k").version()).isEqualTo(500);
    }
}
