package io.catalog.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The hot-key sketch under a skewed read mix, and its bound whatever the number of distinct keys. */
class HotKeysTest {

    private final HotKeys hot = new HotKeys();

    /** Keys drawn from a Zipf distribution (exponent 1) over {@code n} keys: key {@code p:k} with weight 1/k. */
    private static String[] zipf(int n, int reads, long seed) {
        double[] cumulative = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1.0 / k;
            cumulative[k - 1] = sum;
        }
        Random random = new Random(seed);
        String[] names = new String[n];
        for (int k = 0; k < n; k++) {
            names[k] = "p:sku-" + (k + 1);
        }
        String[] drawn = new String[reads];
        for (int i = 0; i < reads; i++) {
            double u = random.nextDouble() * sum;
            int lo = 0;
            int hi = n - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            drawn[i] = names[lo];
        }
        return drawn;
    }

    @Test
    void aZipfMixReturnsTheHotKeysFirstWithPlausibleCounts() {
        int reads = 500_000;
        String[] mix = zipf(100_000, reads, 42);
        for (String key : mix) {
            hot.read(key);
        }
        List<HotKeys.Hot> top = hot.top(10);
        assertThat(top).extracting(HotKeys.Hot::key).containsExactly("p:sku-1", "p:sku-2", "p:sku-3", "p:sku-4",
                "p:sku-5", "p:sku-6", "p:sku-7", "p:sku-8", "p:sku-9", "p:sku-10");
        // H(100000) is about 12.09: key k is read about reads / (k * 12.09) times
        long expectedFirst = (long) (reads / 12.09);
        assertThat(top.get(0).reads()).isBetween(expectedFirst * 9 / 10, expectedFirst * 11 / 10);
        long expectedTenth = (long) (reads / (10 * 12.09));
        assertThat(top.get(9).reads()).isBetween(expectedTenth * 8 / 10, expectedTenth * 12 / 10);
        assertThat(top).isSortedAccordingTo((a, b) -> Long.compare(b.reads(), a.reads()));
    }

    @Test
    void manyDistinctKeysStayWithinTheFixedNumberOfCounters() {
        for (int i = 0; i < 1_000_000; i++) {
            hot.read("p:cold-" + i);
        }
        assertThat(hot.held()).isLessThanOrEqualTo(HotKeys.SLOTS);
        assertThat(hot.top(100)).hasSize(100);
        for (int i = 0; i < 2_000; i++) {
            hot.read("p:hot");
            hot.read("p:cold-again-" + i);
        }
        assertThat(hot.top(1).get(0).key()).isEqualTo("p:hot");
        assertThat(hot.held()).isLessThanOrEqualTo(HotKeys.SLOTS);
    }

    @Test
    void missesAndInvalidationsAreCountedForTheKeysHeld() {
        for (int i = 0; i < 5; i++) {
            hot.read("p:a");
        }
        hot.miss("p:a");
        hot.invalidated("p:a");
        hot.invalidated("p:a");
        hot.invalidated("p:never-read");
        assertThat(hot.top(10)).containsExactly(new HotKeys.Hot("p:a", 5, 1, 2));
    }

    @Test
    void recentKeysAreOfferedOnMissesAndOnSampledReads() {
        assertThat(hot.recent(7)).isNull();
        hot.read("p:m");
        hot.miss("p:m");
        assertThat(hot.recent(12345)).isEqualTo("p:m");
        for (int i = 0; i < HotKeys.SAMPLE_EVERY * 10; i++) {
            hot.read("p:x");
        }
        for (int r = 0; r < 20; r++) {
            assertThat(hot.recent(r)).isIn("p:m", "p:x");
        }
        assertThat(hot.recent(1)).isEqualTo("p:x");
    }
}
