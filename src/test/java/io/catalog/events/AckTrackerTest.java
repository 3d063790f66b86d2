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
 * a hand-advanced ticker. Entries are waited for with the newest acks id at their append ({@code "5-0"} here unless a
 * test is about it).
 */
class AckTrackerTest {

    static final Duration LIVENESS = Duration.ofMillis(1500);
    static final String ACKS = "5-0";

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AckTracker tracker = new AckTracker("self", LIVENESS.toNanos(), 4, 3, now::get);

    {
        // the listener has read the acks stream past the appends of every entry these tests wait for
        tracker.listened("1000000-0");
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    private CompletableFuture<Void> await(String entryId) {
        return tracker.await(entryId, ACKS, false);
    }

    @Test
    void aWriterIsNotReleasedBeforeTheListenerHasReadEveryAcknowledgementSentBeforeItsAppend() {
        AckTracker fresh = new AckTracker("self", LIVENESS.toNanos(), 4, 3, now::get);
        CompletableFuture<Void> waiter = fresh.await("500-3", "490-2", false);
        assertThat(waiter).as("nothing read yet: a pod may have joined unseen").isNotDone();
        fresh.listened("490-1");
        assertThat(waiter).as("the acknowledgement newest at the append (490-2) not read yet").isNotDone();
        fresh.heard("b", "400-0"); // b joined before the entry: acknowledged, but behind it
        fresh.listened("490-2");
        assertThat(waiter).as("read through the append, but b is behind").isNotDone();
        fresh.heard("b", "500-3");
        assertThat(waiter).isDone();
        assertThat(fresh.await("500-7", "490-2", false)).as("b is behind 500-7").isNotDone();
        assertThat(fresh.await("501-0", "495-0", false)).as("not read through 495-0 yet").isNotDone();
        assertThat(fresh.waiting()).isEqualTo(2);
    }

    @Test
    void withoutTheAcksIdAtItsAppendAWriterWaitsForAnAcknowledgementOfALaterMillisecond() {
        AckTracker fresh = new AckTracker("self", LIVENESS.toNanos(), 4, 3, now::get);
        CompletableFuture<Void> waiter = fresh.await("500-3", null, false);
        fresh.listened("500-9");
        assertThat(waiter).as("the same millisecond: a join in it may not have been read").isNotDone();
        fresh.listened("501-0");
        assertThat(waiter).isDone();
    }

    @Test
    void withNoOtherPodAWriterDoesNotWait() {
        assertThat(await("100-0")).isDone();
        tracker.heard("self", "50-0");
        assertThat(await("100-0")).as("this pod's own acknowledgements do not count").isDone();
    }

    @Test
    void aPurgeWaitsForThisPodsOwnFeedTooAndAWriterDoesNot() {
        tracker.heard("b", "100-0");
        CompletableFuture<Void> write = tracker.await("100-0", ACKS, false);
        CompletableFuture<Void> purge = tracker.await("100-0", ACKS, true);
        assertThat(write).as("b reached it; this pod's writes apply their own events").isDone();
        assertThat(purge).as("this pod's feed has not acknowledged anything yet").isNotDone();

        tracker.heard("self", "99-0");
        assertThat(purge).isNotDone();
        tracker.heard("self", "100-0");
        assertThat(purge).isDone();
        assertThat(tracker.waiting()).isZero();

        // both conditions: this pod ahead, another pod behind
        tracker.heard("self", "200-0");
        CompletableFuture<Void> next = tracker.await("150-0", ACKS, true);
        assertThat(next).as("b has not reached 150-0").isNotDone();
        tracker.heard("b", "150-0");
        assertThat(next).isDone();
        assertThat(tracker.await("150-0", ACKS, true)).as("reached everywhere already").isDone();

        CompletableFuture<Void> abandoned = tracker.await("300-0", ACKS, true);
        tracker.abandon("300-0", abandoned);
        assertThat(tracker.waiting()).isZero();
    }

    @Test
    void aWriterIsReleasedOnceEveryLivePodReachedItsEntry() {
        tracker.heard("b", "90-0");
        tracker.heard("c", "95-3");
        CompletableFuture<Void> waiter = await("100-2");
        CompletableFuture<Void> later = await("101-0");

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
        assertThat(await("100-2")).as("reached by both already").isDone();
    }

    @Test
    void aSilentPodIsForgottenOnlyByAReadThatStartedALivenessPeriodAfterItWasLastHeard() {
        tracker.heard("b", "10-0");
        tracker.heard("c", "10-0");
        long cHeard = now.get();
        CompletableFuture<Void> waiter = await("20-0");
        advance(LIVENESS.minusMillis(1));
        tracker.heard("b", "20-0");
        tracker.forgetSilent(now.get());
        assertThat(waiter).as("c is silent, but not for the liveness period yet").isNotDone();

        advance(Duration.ofSeconds(5));
        tracker.forgetSilent(cHeard + LIVENESS.toNanos() - 1);
        assertThat(waiter).as("a read that started within the liveness period may have missed c's next acknowledgement")
                .isNotDone();
        assertThat(tracker.pods()).isEqualTo(2);

        tracker.forgetSilent(cHeard + LIVENESS.toNanos());
        assertThat(waiter).as("c forgotten, b has reached it").isDone();
        assertThat(tracker.pods()).isEqualTo(1);
        assertThat(tracker.position("c")).isNull();

        tracker.heard("c", "15-0");
        assertThat(await("20-0")).as("c is back and behind").isNotDone();
    }

    @Test
    void aPodThatLeftIsForgottenAtOnce() {
        tracker.heard("b", "10-0");
        CompletableFuture<Void> waiter = await("20-0");
        tracker.left("b");
        assertThat(waiter).isDone();
        assertThat(tracker.pods()).isZero();
    }

    @Test
    void podsAndWaitersAreBoundedAndAPodForgottenToMakeRoomHoldsEveryWriterBackForALivenessPeriod() {
        for (int pod = 0; pod < 10; pod++) {
            tracker.heard("pod-" + pod, "10-0");
        }
        assertThat(tracker.pods()).isEqualTo(4);
        assertThat(tracker.position("pod-0")).as("the least recently heard made room").isNull();
        assertThat(tracker.position("pod-9")).isEqualTo("10-0");
        assertThat(await("5-0")).as("every known pod reached it, but a forgotten one may still trust its L1")
                .isNotDone();

        advance(LIVENESS);
        tracker.heard("pod-9", "10-0");
        assertThat(await("5-0")).as("a liveness period after the last pod was forgotten to make room").isDone();

        List<CompletableFuture<Void>> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiters.add(await("20-" + i));
        }
        assertThat(waiters.subList(0, 3)).allSatisfy(w -> assertThat(w).isNotDone());
        assertThat(waiters.subList(3, 5)).as("beyond the bound a writer waits out the lease instead").containsOnlyNulls();

        tracker.abandon("20-0", waiters.get(0));
        assertThat(tracker.waiting()).as("an abandoned waiter is dropped").isEqualTo(2);
        assertThat(await("20-9")).isNotNull();
    }
}
