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
import io.catalog.testing.ManualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Windowed de-duplication, hand-off and retries of {@link EdgePurger}, against recording targets. The window and the
 * settle time run on a {@link ManualScheduler}, so the tests move time instead of measuring it.
 */
class EdgePurgerTest {

    private final ManualScheduler scheduler = new ManualScheduler();

    static ProductUpdated event(String id, String category, String previousCategory) {
        return ProductUpdated.of(id, category, 2, 1, new BigDecimal("1.00"), new BigDecimal("2.00"), false,
                Instant.now(), previousCategory);
    }

    private EdgePurger purger(List<EdgeTarget> targets, Duration window, int retries, Duration settle) {
        return new EdgePurger(targets, window, retries, Duration.ofMillis(10), settle, scheduler, scheduler.ticker(),
                new SimpleMeterRegistry());
    }

    @Test
    void keysOfAnEventNameTheProductItsCategoriesAndTheListing() {
        assertThat(EdgePurger.keysOf(event("p1", "toys", null)))
                .containsExactly("product-p1", "category-toys", "products");
        assertThat(EdgePurger.keysOf(event("p1", "toys", "games")))
                .containsExactly("product-p1", "category-toys", "category-games", "products");
    }

    @Test
    void anIsolatedChangeIsPurgedAtOnce() throws Exception {
        RecordingTarget varnish = new RecordingTarget("varnish");
        EdgePurger purger = purger(List.of(varnish), Duration.ofMillis(100), 0, Duration.ZERO);

        CompletionStage<Boolean> done = purger.submit(List.of(event("p1", "toys", null)));
        assertThat(varnish.batches).as("purged without waiting for any timer").hasSize(1);
        assertThat(varnish.batches.get(0)).containsExactlyInAnyOrder("product-p1", "category-toys", "products");
        assertThat(done.toCompletableFuture().get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(scheduler.delays).as("no timer").isEmpty();
    }

    @Test
    void whatFollowsWithinTheWindowIsBatchedAndAQuietWindowPurgesAtOnceAgain() throws Exception {
        RecordingTarget varnish = new RecordingTarget("varnish");
        EdgePurger purger = purger(List.of(varnish), Duration.ofMillis(100), 0, Duration.ZERO);

        purger.submit(List.of(event("p1", "toys", null)));
        scheduler.advance(Duration.ofMillis(30));
        CompletionStage<Boolean> second = purger.submit(List.of(event("p2", "toys", null)));
        scheduler.advance(Duration.ofMillis(30));
        purger.submit(List.of(event("p3", "games", null)));
        assertThat(varnish.batches).as("the window of the first purge is open").hasSize(1);
        assertThat(second.toCompletableFuture()).isNotDone();

        scheduler.advance(Duration.ofMillis(40));
        assertThat(varnish.batches).as("purged when the window ends, together").hasSize(2);
        assertThat(varnish.batches.get(1)).containsExactlyInAnyOrder("product-p2", "product-p3", "category-toys",
                "category-games", "products");
        assertThat(second.toCompletableFuture().get(5, TimeUnit.SECONDS)).isTrue();

        scheduler.advance(Duration.ofMillis(100));
        purger.submit(List.of(event("p4", "toys", null)));
        assertThat(varnish.batches).as("after a quiet window, at once again").hasSize(3);
    }

    @Test
    void eventsOfABurstArePurgedAsFewBatchesOfDistinctKeys() throws Exception {
        RecordingTarget varnish = new RecordingTarget("varnish");
        RecordingTarget cloudfront = new RecordingTarget("cloudfront");
        EdgePurger purger = purger(List.of(varnish, cloudfront), Duration.ofMillis(200), 0, Duration.ZERO);
        List<CompletionStage<Boolean>> done = new ArrayList<>();
        for (int batch = 0; batch < 5; batch++) {
            List<ProductUpdated> events = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                events.add(event("p" + (batch * 100 + i), "toys", null));
                events.add(event("p" + (batch * 100 + i), "toys", null));
            }
            done.add(purger.submit(events));
            scheduler.advance(Duration.ofMillis(39));
        }
        assertThat(varnish.batches).as("the first at once, the rest wait for the window").hasSize(1);
        scheduler.advance(Duration.ofMillis(5));
        for (CompletionStage<Boolean> stage : done) {
            assertThat(stage.toCompletableFuture().get(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(varnish.batches).hasSize(2);
        assertThat(varnish.batches.get(0)).hasSize(102).contains("category-toys", "products", "product-p99");
        assertThat(varnish.batches.get(1)).hasSize(402).contains("category-toys", "products", "product-p499");
        assertThat(cloudfront.batches).isEqualTo(varnish.batches);
    }

    @Test
    void noTimerIsShorterThanAMillisecond() throws Exception {
        RecordingTarget varnish = new RecordingTarget("varnish", true);
        EdgePurger purger = purger(List.of(varnish), Duration.ofMillis(100), 0, Duration.ofNanos(500_000));

        purger.submit(List.of(event("p1", "toys", null)));
        scheduler.advance(Duration.ofNanos(99_600_000));
        CompletionStage<Boolean> late = purger.submit(List.of(event("p2", "toys", null)));
        scheduler.advance(Duration.ofMillis(1));
        assertThat(late.toCompletableFuture().get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(scheduler.delays).as("0.4 ms left of the window, a 0.5 ms settle time").isNotEmpty()
                .allSatisfy(delay -> assertThat(delay).isGreaterThanOrEqualTo(Duration.ofMillis(1)));
        assertThat(varnish.batches).as("a settle time under 1 ms is none: each batch purged once").hasSize(2);
    }

    @Test
    void aFailingTargetIsRetriedWithBackoffThenReportedWithoutBlockingTheCaller() throws Exception {
        RecordingTarget flaky = new RecordingTarget("flaky");
        EdgePurger purger = purger(List.of(flaky), Duration.ofMillis(20), 3, Duration.ZERO);

        flaky.failNext.set(2);
        CompletionStage<Boolean> recovered = purger.submit(List.of(event("p1", "toys", null)));
        assertThat(recovered.toCompletableFuture().get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(flaky.calls.get()).isEqualTo(3);

        flaky.failNext.set(100);
        CompletionStage<Boolean> failed = purger.submit(List.of(event("p2", "toys", null)));
        scheduler.advance(Duration.ofMillis(20));
        assertThat(failed.toCompletableFuture().get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(flaky.calls.get()).isEqualTo(3 + 4);
    }

    /**
     * A pod that had not applied an event yet when the edge refetched would give the edge the old version: cheap
     * targets are purged at once (or after the window) and again once every pod has applied the events; targets billed per
     * purge only then.
     */
    @Test
    void batchesArePurgedAgainOnceEveryPodHasSettledAndBilledTargetsOnlyThen() throws Exception {
        RecordingTarget varnish = new RecordingTarget("varnish", true);
        RecordingTarget cloudfront = new RecordingTarget("cloudfront", false);
        EdgePurger purger = purger(List.of(varnish, cloudfront), Duration.ofMillis(20), 0, Duration.ofMillis(300));

        CompletionStage<Boolean> done = purger.submit(List.of(event("p1", "toys", null)));
        assertThat(varnish.batches).as("an isolated change, at once").hasSize(1);
        assertThat(cloudfront.batches).isEmpty();

        scheduler.advance(Duration.ofMillis(299));
        assertThat(cloudfront.batches).as("not before the settle time").isEmpty();
        assertThat(done.toCompletableFuture()).isNotDone();

        scheduler.advance(Duration.ofMillis(1));
        assertThat(done.toCompletableFuture().get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(varnish.batches).hasSize(2);
        assertThat(cloudfront.batches).hasSize(1);
        assertThat(cloudfront.batches.get(0)).isEqualTo(varnish.batches.get(0));
    }
}
