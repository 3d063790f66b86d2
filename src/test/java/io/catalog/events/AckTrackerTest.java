package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * {@link AckTracker}: which writers are released by which acknowledgements, liveness and forgetting, bounds. Time is
 * a hand-advanced ticker.
 */
class AckTrackerTest {

    static final Duration LIVENESS = Duration.ofMillis(2500);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AckTracker tracker = new AckTracker("self", LIVENESS.toNanos(), 4, 3, now::get);

    {
        // the listener has read the acks stream past every entry these tests wait for (except the test of that)
        tracker.listened("1000000-0");
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    @Test
    void aWriterIsNotReleasedBeforeTheListenerHasReadPastItsEntrysTime() {
        AckTracker fresh = new AckTracker("self", LIVENESS.toNanos(), 4, 3, now::get);
        CompletableFuture<Void> waiter = fresh.await("500-3");
        assertThat(waiter).as("nothing read yet: a pod may have joined unseen").isNotDone();
        fresh.listened("499-9");
        assertThat(waiter).isNotDone();
        fresh.heard("b", "400-0"); // b joined before the entry: acknowledged, but behind it
        fresh.listened("500-0");
        assertThat(waiter).as("read through the entry's millisecond, but b is behind").isNotDone();
        fresh.heard("b", "500-3");
        assertThat(waiter).isDone();
        assertThat(fresh.await("500-7")).as("b is behind 500-7").isNotDone();
        assertThat(fresh.await("501-0")).as("not read through 501 yet").isNotDone();
        assertThat(fresh.waiting()).isEqualTo(2);
    }

    @Test
    void withNoOtherPodAWriterDoesNotWait() {
        assertThat(tracker.await("100-0")).isDone();
        tracker.heard("self", "50-0");
        assertThat(tracker.await("100-0")).as("this pod's own acknowledgements do not count").isDone();
    }

    @Test
    void aPurgeWaitsForThisPodsOwnFeedTooAndAWriterDoesNot() {
        tracker.heard("b", "100-0");
        CompletableFuture<Void> write = tracker.await("100-0", false);
        CompletableFuture<Void> purge = tracker.await("100-0", true);
        assertThat(write).as("b reached it; this pod's writes apply their own events").isDone();
        assertThat(purge).as("this pod's feed has not acknowledged anything yet").isNotDone();

        tracker.heard("self", "99-0");
        assertThat(purge).isNotDone();
        tracker.heard("self", "100-0");
        assertThat(purge).isDone();
        assertThat(tracker.waiting()).isZero();

        // both conditions: this pod ahead, another pod behind
        tracker.heard("self", "200-0");
        CompletableFuture<Void> next = tracker.await("150-0", true);
        assertThat(next).as("b has not reached 150-0").isNotDone();
        tracker.heard("b", "150-0");
        assertThat(next).isDone();
        assertThat(tracker.await("150-0", true)).as("reached everywhere already").isDone();

        CompletableFuture<Void> abandoned = tracker.await("300-0", true);
        tracker.abandon("300-0", abandoned);
        assertThat(tracker.waiting()).isZero();
    }

    @Test
    void aWriterIsReleasedOnceEveryLivePodReachedItsEntry() {
        tracker.heard("b", "90-0");
        tracker.heard("c", "95-3");
        CompletableFuture<Void> waiter = tracker.await("100-2");
        CompletableFuture<Void> later = tracker.await("101-0");

        tracker.heard("b", "100-2");
        assertThat(waiter).as("c has not reached 100-2").isNotDone();
        tracker.heard("c", "100-1");
        assertThat(waiter).as("100-1 is before 100-2").isNotDone();
        tracker.heard("c", "100-2");
        assertThat(waiter).isDone();
        assertThat(later).isNotDone();
        assertThat(tracker.waiting()).isEqualTo(1);

        tracker.heard("c", "90-0");
        assertThat(tracker.position("c")).as("a position never goes back (an older ack read late)").isEqualTo("100-2");
        assertThat(tracker.await("100-2")).as("reached by both already").isDone();
    }

    @Test
    void aSilentPodIsForgottenAfterTheLivenessPeriodAndNoLongerHoldsWritersBack() {
        tracker.heard("b", "10-0");
        tracker.heard("c", "10-0");
        CompletableFuture<Void> waiter = tracker.await("20-0");
        advance(LIVENESS.minusMillis(1));
        tracker.heard("b", "20-0");
        tracker.forgetSilent();
        assertThat(waiter).as("c is silent, but not for the liveness period yet").isNotDone();
        assertThat(tracker.pods()).isEqualTo(2);

        advance(Duration.ofMillis(1));
        tracker.forgetSilent();
        assertThat(waiter).as("c forgotten, b has reached it").isDone();
        assertThat(tracker.pods()).isEqualTo(1);
        assertThat(tracker.position("c")).isNull();

        tracker.heard("c", "15-0");
        assertThat(tracker.await("20-0")).as("c is back and behind").isNotDone();
    }

    @Test
    void aPodThatLeftIsForgottenAtOnce() {
        tracker.heard("b", "10-0");
        CompletableFuture<Void> waiter = tracker.await("20-0");
        tracker.left("b");
        assertThat(waiter).isDone();
        assertThat(tracker.pods()).isZero();
    }

    @Test
    void podsAndWaitersAreBounded() {
        for (int pod = 0; pod < 10; pod++) {
            tracker.heard("pod-" + pod, "10-0");
        }
        assertThat(tracker.pods()).isEqualTo(4);
        assertThat(tracker.position("pod-0")).as("the least recently heard made room").isNull();
        assertThat(tracker.position("pod-9")).isEqualTo("10-0");

        List<CompletableFuture<Void>> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiters.add(tracker.await("20-" + i));
        }
        assertThat(waiters.subList(0, 3)).allSatisfy(w -> assertThat(w).isNotDone());
        assertThat(waiters.subList(3, 5)).as("beyond the bound a writer does not wait").containsOnlyNulls();

        tracker.abandon("20-0", waiters.get(0));
        assertThat(tracker.waiting()).as("an abandoned waiter is dropped").isEqualTo(2);
        assertThat(tracker.await("20-9")).isNotNull();
    }
}
