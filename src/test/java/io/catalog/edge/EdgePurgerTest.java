package io.catalog.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.catalog.model.ProductUpdated;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Windowed de-duplication, hand-off and retries of {@link EdgePurger}, against recording targets. */
class EdgePurgerTest {

    static ProductUpdated event(String id, String category, String previousCategory) {
        return ProductUpdated.of(id, category, 2, 1, new BigDecimal("1.00"), new BigDecimal("2.00"), false,
                Instant.now(), previousCategory);
    }

    @Test
    void keysOfAnEventNameTheProductItsCategoriesAndTheListing() {
        assertThat(EdgePurger.keysOf(event("p1", "toys", null)))
                .containsExactly("product-p1", "category-toys", "products");
        assertThat(EdgePurger.keysOf(event("p1", "toys", "games")))
                .containsExactly("product-p1", "category-toys", "category-games", "products");
    }

    @Test
    void eventsOfOneWindowArePurgedOnceAsDistinctKeys() throws Exception {
        RecordingTarget varnish = new RecordingTarget("varnish");
        RecordingTarget cloudfront = new RecordingTarget("cloudfront");
        EdgePurger purger = new EdgePurger(List.of(varnish, cloudfront), Duration.ofMillis(200), 0,
                Duration.ofMillis(10), Duration.ZERO, new SimpleMeterRegistry());
        List<CompletionStage<Boolean>> done = new ArrayList<>();
        for (int batch = 0; batch < 5; batch++) {
            List<ProductUpdated> events = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                events.add(event("p" + (batch * 100 + i), "toys", null));
                events.add(event("p" + (batch * 100 + i), "toys", null));
            }
            done.add(purger.submit(events));
        }
        for (CompletionStage<Boolean> stage : done) {
            assertThat(stage.toCompletableFuture().get(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(varnish.batches).hasSize(1);
        assertThat(varnish.batches.get(0)).hasSize(502).contains("category-toys", "products", "product-p499");
        assertThat(cloudfront.batches).isEqualTo(varnish.batches);
        purger.close();
    }

    @Test
    void aFailingTargetIsRetriedWithBackoffThenReportedWithoutBlockingTheCaller() throws Exception {
        RecordingTarget flaky = new RecordingTarget("flaky");
        EdgePurger purger = new EdgePurger(List.of(flaky), Duration.ofMillis(20), 3, Duration.ofMillis(10),
                Duration.ZERO, new SimpleMeterRegistry());

        flaky.failNext.set(2);
        long start = System.nanoTime();
        CompletionStage<Boolean> recovered = purger.submit(List.of(event("p1", "toys", null)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(20));
        assertThat(recovered.toCompletableFuture().get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(flaky.calls.get()).isEqualTo(3);

        flaky.failNext.set(100);
        CompletionStage<Boolean> failed = purger.submit(List.of(event("p2", "toys", null)));
        assertThat(failed.toCompletableFuture().get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(flaky.calls.get()).isEqualTo(3 + 4);
        purger.close();
    }

    /**
     * A pod that had not applied an event yet when the edge refetched would give the edge the old version: cheap
     * targets are purged right after the window and again once every pod has applied the events; targets billed per
     * purge only then.
     */
    @Test
    void batchesArePurgedAgainOnceEveryPodHasSettledAndBilledTargetsOnlyThen() throws Exception {
        RecordingTarget varnish = new RecordingTarget("varnish", true);
        RecordingTarget cloudfront = new RecordingTarget("cloudfront", false);
        Duration settle = Duration.ofMillis(300);
        EdgePurger purger = new EdgePurger(List.of(varnish, cloudfront), Duration.ofMillis(20), 0,
                Duration.ofMillis(10), settle, new SimpleMeterRegistry());

        CompletionStage<Boolean> done = purger.submit(List.of(event("p1", "toys", null)));

        long start = System.nanoTime();
        while (varnish.batches.isEmpty() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
            Thread.onSpinWait();
        }
        assertThat(varnish.batches).hasSize(1);
        assertThat(cloudfront.batches).isEmpty();
        assertThat(done.toCompletableFuture().get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(settle.minusMillis(50));
        assertThat(varnish.batches).hasSize(2);
        assertThat(cloudfront.batches).hasSize(1);
        assertThat(cloudfront.batches.get(0)).isEqualTo(varnish.batches.get(0));
        purger.close();
    }
}
