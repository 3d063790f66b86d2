package io.catalog.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The count of CloudFront paths in progress: never above its limit, freed by completion or after 15 minutes. */
class InFlightPathsTest {

    private static final Instant T0 = Instant.parse("2026-11-05T10:00:00Z");

    @Test
    void reservesWhatFitsUnderTheLimitAndNothingAtIt() {
        InFlightPaths paths = new InFlightPaths(100);
        assertThat(paths.reserve(60)).isEqualTo(60);
        assertThat(paths.reserve(60)).as("only the rest fits").isEqualTo(40);
        assertThat(paths.reserve(1)).as("at the limit").isZero();
        paths.release(30);
        assertThat(paths.count()).isEqualTo(70);
        assertThat(paths.reserve(50)).isEqualTo(30);
    }

    @Test
    void anInvalidationHoldsItsPathsUntilItIsReportedCompleted() {
        InFlightPaths paths = new InFlightPaths(100);
        paths.reserve(80);
        paths.release(20); // the budget granted only 60
        paths.started("I1", 60, T0);
        assertThat(paths.count()).isEqualTo(60);
        assertThat(paths.tracking()).isTrue();
        assertThat(paths.toCheck(T0.plusSeconds(30))).containsExactly("I1");

        paths.completed("I1");
        paths.completed("I1"); // a second answer frees nothing more
        assertThat(paths.count()).isZero();
        assertThat(paths.tracking()).isFalse();
        assertThat(paths.toCheck(T0.plusSeconds(60))).isEmpty();
    }

    @Test
    void anInvalidationNeverReportedCompletedIsFreedAfterFifteenMinutes() {
        InFlightPaths paths = new InFlightPaths(100);
        paths.reserve(10);
        paths.started("old", 10, T0);
        paths.reserve(5);
        paths.started("new", 5, T0.plus(Duration.ofMinutes(10)));

        assertThat(paths.toCheck(T0.plus(InFlightPaths.ASSUME_COMPLETED_AFTER))).containsExactlyInAnyOrder("old", "new");
        assertThat(paths.toCheck(T0.plus(InFlightPaths.ASSUME_COMPLETED_AFTER).plusSeconds(1))).containsExactly("new");
        assertThat(paths.count()).isEqualTo(5);
    }

    @Test
    void concurrentReservationsNeverExceedTheLimit() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int run = 0; run < 20; run++) {
                InFlightPaths paths = new InFlightPaths(1000);
                CountDownLatch go = new CountDownLatch(1);
                AtomicInteger granted = new AtomicInteger();
                List<Future<?>> tasks = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    tasks.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < 100; i++) {
                            granted.addAndGet(paths.reserve(3));
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> task : tasks) {
                    task.get(10, TimeUnit.SECONDS);
                }
                assertThat(granted.get()).as("run %d", run).isEqualTo(1000);
                assertThat(paths.count()).isEqualTo(1000);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
