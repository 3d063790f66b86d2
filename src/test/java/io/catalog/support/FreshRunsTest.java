package io.catalog.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/** Callers get a run begun after they asked, and share the waiting one: two runs at most, whatever the callers. */
class FreshRunsTest {

    /** An executor that runs what it was given only when told to. */
    static final class Manual implements java.util.concurrent.Executor {
        final Queue<Runnable> pending = new ArrayDeque<>();

        @Override
        public void execute(Runnable command) {
            pending.add(command);
        }

        void runNext() {
            pending.remove().run();
        }
    }

    @Test
    void aCallerWhoAsksWhileARunIsUnderWayGetsTheNextRunSharedWithTheOthers() {
        AtomicInteger runs = new AtomicInteger();
        Manual executor = new Manual();
        FreshRuns<Integer> fresh = new FreshRuns<>(runs::incrementAndGet, executor);

        CompletableFuture<Integer> first = fresh.ask().toCompletableFuture();
        CompletableFuture<Integer> second = fresh.ask().toCompletableFuture();
        CompletableFuture<Integer> third = fresh.ask().toCompletableFuture();
        assertThat(executor.pending).hasSize(1);

        executor.runNext(); // the first run; the next one starts at once for the two who asked during it
        assertThat(first).isCompletedWithValue(1);
        assertThat(second).isNotDone();
        assertThat(executor.pending).hasSize(1);

        CompletableFuture<Integer> fourth = fresh.ask().toCompletableFuture(); // asks while the second is queued
        executor.runNext();
        assertThat(second).isCompletedWithValue(2);
        assertThat(third).isCompletedWithValue(2);
        assertThat(fourth).isNotDone();

        executor.runNext();
        assertThat(fourth).isCompletedWithValue(3);
        assertThat(executor.pending).isEmpty();
        assertThat(runs).hasValue(3);
    }

    @Test
    void aFailedRunFailsItsCallersAndTheNextOneRuns() {
        AtomicInteger runs = new AtomicInteger();
        Manual executor = new Manual();
        FreshRuns<Integer> fresh = new FreshRuns<>(() -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("Redis down");
            }
            return runs.get();
        }, executor);

        CompletableFuture<Integer> first = fresh.ask().toCompletableFuture();
        CompletableFuture<Integer> second = fresh.ask().toCompletableFuture();
        executor.runNext();
        assertThat(first).isCompletedExceptionally();
        executor.runNext();
        assertThat(second).isCompletedWithValue(2);
    }

    /** Mutiny cancels the stage it waits on when its subscriber stops waiting: that must not cancel a shared run. */
    @Test
    void aCallerWhoStopsWaitingLeavesTheRunItSharesToTheOthers() {
        Manual executor = new Manual();
        FreshRuns<Integer> fresh = new FreshRuns<>(() -> 7, executor);
        fresh.ask();
        Cancellable gaveUp = Uni.createFrom()
                .completionStage(fresh::ask).subscribe().with(value -> {
                }, failure -> {
                });
        AtomicReference<Object> other = new AtomicReference<>();
        Uni.createFrom().completionStage(fresh::ask).subscribe().with(other::set, other::set);

        gaveUp.cancel();
        executor.runNext();
        executor.runNext();

        assertThat(other).hasValue(7);
    }
}
