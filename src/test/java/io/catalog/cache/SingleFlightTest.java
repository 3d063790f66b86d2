package io.catalog.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

class SingleFlightTest {

    private final SingleFlight<String> flights = new SingleFlight<>();

    @RepeatedTest(20)
    void concurrentMissesOnOneKeyShareOneLoad() throws Exception {
        int callers = 64;
        AtomicInteger loads = new AtomicInteger();
        CompletableFuture<String> release = new CompletableFuture<>();
        CountDownLatch started = new CountDownLatch(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    CompletableFuture<String> subscribed = flights.run("hot", () -> {
                        loads.incrementAndGet();
                        return Uni.createFrom().completionStage(release);
                    }).subscribeAsCompletionStage().toCompletableFuture();
                    started.countDown();
                    return subscribed.get(10, java.util.concurrent.TimeUnit.SECONDS);
                }));
            }
            // every caller has subscribed before the load completes
            assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            release.complete("v1");
            for (Future<String> result : results) {
                assertThat(result.get()).isEqualTo("v1");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(loads.get()).isEqualTo(1);
        assertThat(flights.inFlight()).isZero();
    }

    @Test
    void joinersOfALoadInFlightDoNotStartAnother() {
        AtomicInteger loads = new AtomicInteger();
        CompletableFuture<String> release = new CompletableFuture<>();
        Uni<String> first = flights.run("k", () -> {
            loads.incrementAndGet();
            return Uni.createFrom().completionStage(release);
        });
        CompletableFuture<String> a = first.subscribeAsCompletionStage().toCompletableFuture();
        CompletableFuture<String> b = flights.run("k", () -> {
            loads.incrementAndGet();
            return Uni.createFrom().item("other");
        }).subscribeAsCompletionStage().toCompletableFuture();

        release.complete("shared");

        assertThat(a.join()).isEqualTo("shared");
        assertThat(b.join()).isEqualTo("shared");
        assertThat(loads.get()).isEqualTo(1);
    }

    @Test
    void aFailedLoadFailsItsJoinersAndTheNextCallLoadsAgain() {
        CompletableFuture<String> release = new CompletableFuture<>();
        CompletableFuture<String> a = flights.run("k", () -> Uni.createFrom().completionStage(release))
                .subscribeAsCompletionStage().toCompletableFuture();
        CompletableFuture<String> b = flights.run("k", () -> Uni.createFrom().item("unused"))
                .subscribeAsCompletionStage().toCompletableFuture();

        release.completeExceptionally(new IllegalStateException("down"));

        assertThatThrownBy(a::join).hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(b::join).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(flights.run("k", () -> Uni.createFrom().item("again")).await().indefinitely()).isEqualTo("again");
    }

    @Test
    void aCancelledCallerDoesNotCancelTheLoadForOthers() {
        CompletableFuture<String> release = new CompletableFuture<>();
        var cancelled = flights.run("k", () -> Uni.createFrom().completionStage(release)).subscribe().with(v -> {
        });
        CompletableFuture<String> other = flights.run("k", () -> Uni.createFrom().item("unused"))
                .subscribeAsCompletionStage().toCompletableFuture();

        cancelled.cancel();
        release.complete("v");

        assertThat(other.join()).isEqualTo("v");
    }

    @Test
    void loadsBeyondTheSlotBoundRunUnsharedAndTheSlotsStayBounded() {
        SingleFlight<String> bounded = new SingleFlight<>(3);
        CompletableFuture<String> release = new CompletableFuture<>();
        AtomicInteger loads = new AtomicInteger();
        List<CompletableFuture<String>> callers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String key = "invented-" + i;
            callers.add(bounded.run(key, () -> {
                loads.incrementAndGet();
                return Uni.createFrom().completionStage(release).map(v -> v + ":" + key);
            }).subscribeAsCompletionStage().toCompletableFuture());
            assertThat(bounded.inFlight()).isLessThanOrEqualTo(3);
        }
        // a key that holds a slot is still shared
        CompletableFuture<String> joiner = bounded.run("invented-0", () -> Uni.createFrom().item("unused"))
                .subscribeAsCompletionStage().toCompletableFuture();

        release.complete("v");

        assertThat(callers.get(49).join()).isEqualTo("v:invented-49");
        assertThat(joiner.join()).isEqualTo("v:invented-0");
        assertThat(loads.get()).isEqualTo(50);
        assertThat(bounded.inFlight()).isZero();
    }
}
