package io.catalog.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/** Callers of a key get a run begun after they asked, and share the waiting one: two runs at most per key. */
class FreshFlightsTest {

    /** The runs started, each answered when the test says. */
    private final List<CompletableFuture<Integer>> runs = new ArrayList<>();
    private final Supplier<Uni<Integer>> work = () -> {
        CompletableFuture<Integer> run = new CompletableFuture<>();
        runs.add(run);
        return Uni.createFrom().completionStage(run);
    };

    private static AtomicReference<Object> answer(Uni<Integer> uni) {
        AtomicReference<Object> answer = new AtomicReference<>();
        uni.subscribe().with(answer::set, answer::set);
        return answer;
    }

    @Test
    void callersWhoAskWhileARunIsUnderWayShareTheNextRunNotThatOne() {
        FreshFlights<Integer> flights = new FreshFlights<>(10);
        AtomicReference<Object> first = answer(flights.run("books", work));
        AtomicReference<Object> second = answer(flights.run("books", work));
        AtomicReference<Object> third = answer(flights.run("books", work));
        assertThat(runs).as("one run under way").hasSize(1);

        runs.get(0).complete(1);

        assertThat(first).hasValue(1);
        assertThat(second).as("it asked after the first run began").hasValue(null);
        assertThat(runs).as("the waiting run began").hasSize(2);
        runs.get(1).complete(2);
        assertThat(second).hasValue(2);
        assertThat(third).hasValue(2);
        assertThat(flights.keys()).isZero();
    }

    @Test
    void keysRunApart() {
        FreshFlights<Integer> flights = new FreshFlights<>(10);
        AtomicReference<Object> books = answer(flights.run("books", work));
        AtomicReference<Object> garden = answer(flights.run("garden", work));

        assertThat(runs).hasSize(2);
        runs.get(1).complete(2);
        assertThat(garden).hasValue(2);
        assertThat(books).hasValue(null);
    }

    @Test
    void aFailedRunFailsItsCallersAndTheWaitingRunStillGoes() {
        FreshFlights<Integer> flights = new FreshFlights<>(10);
        AtomicReference<Object> first = answer(flights.run("books", work));
        AtomicReference<Object> second = answer(flights.run("books", work));

        runs.get(0).completeExceptionally(new IllegalStateException("throttled"));

        assertThat(first.get()).isInstanceOf(IllegalStateException.class);
        runs.get(1).complete(2);
        assertThat(second).hasValue(2);
    }

    @Test
    void aCallerWhoStopsWaitingLeavesTheRunItSharesToTheOthers() {
        FreshFlights<Integer> flights = new FreshFlights<>(10);
        answer(flights.run("books", work));
        Cancellable gaveUp = flights.run("books", work).subscribe().with(value -> {
        }, failure -> {
        });
        AtomicReference<Object> other = answer(flights.run("books", work));

        gaveUp.cancel();
        runs.get(0).complete(1);
        runs.get(1).complete(2);

        assertThat(other).hasValue(2);
    }

    @Test
    void beyondItsBoundOfKeysACallerRunsItsOwn() {
        FreshFlights<Integer> flights = new FreshFlights<>(1);
        answer(flights.run("books", work));
        answer(flights.run("garden", work));
        answer(flights.run("garden", work));

        assertThat(runs).hasSize(3);
        assertThat(flights.keys()).isEqualTo(1);
    }
}
