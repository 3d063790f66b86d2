package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.catalog.model.Product;
import io.catalog.store.PendingEvent;
import io.catalog.store.StoredProduct;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

class PublishGroupsTest {

    /** The publishes the groups ran, each answered when the test says. */
    private final List<List<StoredProduct>> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<CompletableFuture<Appended>> answers = Collections.synchronizedList(new ArrayList<>());
    private final PublishGroups groups = new PublishGroups(items -> {
        calls.add(items);
        CompletableFuture<Appended> answer = new CompletableFuture<>();
        answers.add(answer);
        return Uni.createFrom().completionStage(answer);
    }, Duration.ofSeconds(30));

    @Test
    void aLonePublishGoesAtOnce() {
        Outcome outcome = Outcome.of(groups.publish(List.of(item("a", 10))));

        assertThat(calls).hasSize(1);
        assertThat(ids(calls.get(0))).containsExactly("a");
        answers.get(0).complete(new Appended("5-0", "1-0"));
        assertThat(outcome.appended.get()).isEqualTo(new Appended("5-0", "1-0"));
    }

    @Test
    void publishesAskedForWhileOneIsUnderWayGoTogetherInTheNext() {
        Outcome first = Outcome.of(groups.publish(List.of(item("a", 10))));
        Outcome second = Outcome.of(groups.publish(List.of(item("b", 11))));
        Outcome third = Outcome.of(groups.publish(List.of(item("c", 12))));
        assertThat(calls).as("one at a time").hasSize(1);

        answers.get(0).complete(new Appended("5-0", "1-0"));

        assertThat(first.appended.get()).isEqualTo(new Appended("5-0", "1-0"));
        assertThat(second.appended.get()).as("its group is still under way").isNull();
        assertThat(calls).hasSize(2);
        assertThat(ids(calls.get(1))).containsExactly("b", "c");
        answers.get(1).complete(new Appended("7-0", "1-0"));
        assertThat(second.appended.get()).isEqualTo(new Appended("7-0", "1-0"));
        assertThat(third.appended.get()).isEqualTo(new Appended("7-0", "1-0"));
    }

    @Test
    void aFailedGroupFailsEachOfItsWritersAndTheNextGroupStillGoes() {
        Outcome first = Outcome.of(groups.publish(List.of(item("a", 10))));
        Outcome second = Outcome.of(groups.publish(List.of(item("b", 11))));
        Outcome third = Outcome.of(groups.publish(List.of(item("c", 12))));
        answers.get(0).complete(null);

        Outcome fourth = Outcome.of(groups.publish(List.of(item("d", 13))));
        answers.get(1).completeExceptionally(new IllegalStateException("INCARNATION x"));

        assertThat(first.failure.get()).isNull();
        assertThat(second.failure.get()).hasMessage("INCARNATION x");
        assertThat(third.failure.get()).hasMessage("INCARNATION x");
        assertThat(calls).hasSize(3);
        assertThat(ids(calls.get(2))).containsExactly("d");
        answers.get(2).complete(new Appended("9-0", "1-0"));
        assertThat(fourth.appended.get()).isEqualTo(new Appended("9-0", "1-0"));
        assertThat(groups.publish(List.of(item("e", 14))).subscribe().with(x -> {
        })).isNotNull();
        assertThat(calls).as("nothing under way: the next goes at once").hasSize(4);
    }

    @Test
    void aWriterThatStopsWaitingLeavesItsItemsInItsGroup() {
        Outcome.of(groups.publish(List.of(item("a", 10))));
        Outcome gaveUp = Outcome.of(groups.publish(List.of(item("b", 11))));
        Outcome other = Outcome.of(groups.publish(List.of(item("c", 12))));
        gaveUp.subscription.cancel();

        answers.get(0).complete(null);

        assertThat(ids(calls.get(1))).containsExactly("b", "c");
        answers.get(1).complete(new Appended("7-0", "1-0"));
        assertThat(other.appended.get()).isEqualTo(new Appended("7-0", "1-0"));
        assertThat(gaveUp.appended.get()).isNull();
    }

    @Test
    void twoWritesOfOneItemPublishItsNewestSnapshotWhichHoldsTheOlderOnesEvent() {
        Outcome.of(groups.publish(List.of(item("z", 1))));
        StoredProduct older = item("a", 10);
        StoredProduct newer = item("a", 11, 10, 11);
        Outcome.of(groups.publish(List.of(older)));
        Outcome.of(groups.publish(List.of(newer)));
        answers.get(0).complete(null);

        assertThat(calls.get(1)).containsExactly(newer);
    }

    @Test
    void anOlderSnapshotWithAnEventTheNewestLacksIsPublishedToo() {
        Outcome.of(groups.publish(List.of(item("z", 1))));
        StoredProduct older = item("a", 10);
        StoredProduct newer = item("a", 11, 11);
        Outcome.of(groups.publish(List.of(newer)));
        Outcome.of(groups.publish(List.of(older)));
        answers.get(0).complete(null);

        assertThat(calls.get(1)).containsExactly(newer, older);
    }

    @Test
    void aGroupTakesAtMostItsBoundOfItemsAndTheRestGoesNext() {
        Outcome.of(groups.publish(List.of(item("z", 1))));
        List<StoredProduct> batch = IntStream.range(0, PublishGroups.MAX_ITEMS - 1).mapToObj(i -> item("b" + i, 100 + i))
                .toList();
        Outcome.of(groups.publish(batch));
        Outcome.of(groups.publish(List.of(item("c", 20), item("d", 21))));
        Outcome.of(groups.publish(List.of(item("e", 22))));
        answers.get(0).complete(null);

        assertThat(calls.get(1)).hasSize(PublishGroups.MAX_ITEMS - 1);
        answers.get(1).complete(null);
        assertThat(ids(calls.get(2))).containsExactly("c", "d", "e");
    }

    @Test
    void beyondItsBoundOfWaitingItemsAPublishFailsAtOnce() {
        Outcome.of(groups.publish(List.of(item("z", 1))));
        for (int i = 0; i < PublishGroups.MAX_QUEUED_ITEMS; i++) {
            Outcome.of(groups.publish(List.of(item("w" + i, 10 + i))));
        }

        Outcome refused = Outcome.of(groups.publish(List.of(item("late", 99_999))));

        assertThat(refused.failure.get()).hasMessageContaining("too many publishes waiting");
        answers.get(0).complete(null);
        assertThat(calls.get(1)).as("the next group, as large as a group gets").hasSize(PublishGroups.MAX_ITEMS);
    }

    @Test
    void aPublishThatThrowsFailsItsGroupAndLeavesTheGroupsGoing() {
        PublishGroups throwing = new PublishGroups(items -> {
            if (items.get(0).id().equals("bad")) {
                throw new AssertionError("not a RuntimeException");
            }
            return Uni.createFrom().item(new Appended("8-0", "1-0"));
        }, Duration.ofSeconds(30));

        Outcome bad = Outcome.of(throwing.publish(List.of(item("bad", 10))));
        Outcome good = Outcome.of(throwing.publish(List.of(item("good", 11))));

        assertThat(bad.failure.get()).isInstanceOf(AssertionError.class);
        assertThat(good.appended.get()).isEqualTo(new Appended("8-0", "1-0"));
    }

    @Test
    void aGroupWithoutAnAnswerInItsTimeFailsAndTheWritersBehindItGoOn() {
        PublishGroups timed = new PublishGroups(items -> {
            calls.add(items);
            return items.get(0).id().equals("hangs") ? Uni.createFrom().nothing()
                    : Uni.createFrom().item(new Appended("8-0", "1-0"));
        }, Duration.ofMillis(50));
        Outcome hung = Outcome.of(timed.publish(List.of(item("hangs", 10))));
        Outcome behind = Outcome.of(timed.publish(List.of(item("b", 11))));

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> behind.appended.get() != null);
        assertThat(hung.failure.get()).isInstanceOf(TimeoutException.class);
        assertThat(ids(calls.get(1))).containsExactly("b");
    }

    private static List<String> ids(List<StoredProduct> items) {
        return items.stream().map(StoredProduct::id).toList();
    }

    /** An item at {@code sequence} whose outbox holds {@code pending} (by default its own event). */
    private static StoredProduct item(String id, long sequence, long... pending) {
        Product product = new Product(id, "name", "alpha", new BigDecimal("1.00"), "USD", sequence,
                Instant.EPOCH, sequence);
        long[] outbox = pending.length == 0 ? new long[] { sequence } : pending;
        return new StoredProduct(product, false,
                Arrays.stream(outbox).mapToObj(s -> new PendingEvent(s, "{\"sequence\":" + s + "}")).toList());
    }

    /** What one writer's publish answered, so far. */
    private record Outcome(AtomicReference<Appended> appended, AtomicReference<Throwable> failure,
            Cancellable subscription) {

        static Outcome of(Uni<Appended> publish) {
            AtomicReference<Appended> appended = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Cancellable subscription = publish.subscribe().with(appended::set, failure::set);
            return new Outcome(appended, failure, subscription);
        }
    }
}
