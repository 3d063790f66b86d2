package io.catalog.events;

import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.catalog.events.EventSink.OutboundEvent;
import io.catalog.model.ProductUpdated;
import io.catalog.support.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link PodAcks} on a real Redis: other pods are played by acknowledgements the test appends to the acks stream (as
 * their feeds would), and this pod's listener, tracker, timeout and metrics are the application's. Liveness is
 * {@code feed-stale-after} + {@code block-timeout} = 1.2 s here.
 */
@QuarkusTest
@TestProfile(PodAcksTest.ShortLiveness.class)
class PodAcksTest {

    static final String STREAM = "{acks-test}:events";
    static final String ACKS = "{acks-test}:acks";
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A stream of this test's own, a short liveness and an ack timeout of 300 ms. */
    public static class ShortLiveness implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("catalog.events.stream", STREAM, "catalog.events.feed-stale-after", "1s",
                    "catalog.events.block-timeout", "200ms", "catalog.events.ack-timeout", "300ms");
        }
    }

    @Inject
    PodAcks acks;
    @Inject
    RedisStreamSink sink;
    @Inject
    Json json;
    @Inject
    RedisDataSource redis;
    @Inject
    MeterRegistry registry;

    private StreamCommands<String, String, String> streams() {
        return redis.stream(String.class, String.class, String.class);
    }

    /** Pod {@code pod} acknowledges {@code position}, as its feed does; waits until this pod has heard it. */
    private void ack(String pod, String position) {
        streams().xadd(ACKS, Map.of("pod", pod, "position", position));
        await(pod + " heard at " + position).atMost(WAIT).until(() -> position.equals(acks.position(pod)));
    }

    /** A stream entry id, as the events stream would give one now. */
    private String entry() {
        return streams().xadd(STREAM, Map.of("test", "entry"));
    }

    private double timeouts() {
        return registry.get("catalog.events.ack.timeouts").counter().count();
    }

    private double waiting() {
        return registry.get("catalog.events.ack.waiting").gauge().value();
    }

    /** Waits until the fake pods of other tests are forgotten (liveness), so that they hold no writer back. */
    private void noOtherPods() {
        await("the other tests' pods forgotten").atMost(WAIT)
                .until(() -> registry.get("catalog.events.ack.pods").gauge().value() == 0);
    }

    @Test
    void theAcknowledgementStreamSharesTheEventStreamsSlot() {
        assertThat(PodAcks.acksStream("{catalog}:events")).isEqualTo("{catalog}:acks");
        assertThat(PodAcks.acksStream("catalog:events")).isEqualTo("{catalog:events}:acks");
        assertThat(PodAcks.acksStream(STREAM)).isEqualTo(ACKS);
    }

    @Test
    void thisPodAcknowledgesItsFeedPositionUnderItsId() {
        String ownId = acks.podId();
        await("this pod's feed acknowledges when idle").atMost(WAIT).until(() -> streams()
                .xrevrange(ACKS, StreamRange.of("+", "-"), 50).stream()
                .anyMatch(m -> ownId.equals(m.payload().get("pod")) && m.payload().containsKey("position")));
        String event = entry();
        await("this pod acknowledges the new entry").atMost(WAIT).until(() -> streams()
                .xrevrange(ACKS, StreamRange.of("+", "-"), 50).stream()
                .anyMatch(m -> ownId.equals(m.payload().get("pod")) && event.equals(m.payload().get("position"))));
        assertThat(acks.position(ownId)).as("its own acknowledgements are not tracked").isNull();
    }

    @Test
    void aWriterIsReleasedWhenEveryOtherLivePodHasAppliedItsEntry() {
        noOtherPods();
        String b = uniqueId("b");
        String c = uniqueId("c");
        ack(b, entry());
        ack(c, entry());
        String written = entry();
        double timeoutsBefore = timeouts();

        CompletableFuture<Void> acknowledged = acks.await(appended(written)).subscribeAsCompletionStage();
        await("the writer waits").atMost(WAIT).until(() -> waiting() >= 1);
        ack(b, written);
        assertThat(acknowledged).as("c has not applied it").isNotDone();
        ack(c, written);
        await("released").atMost(WAIT).until(acknowledged::isDone);
        assertThat(timeouts()).isEqualTo(timeoutsBefore);
    }

    /**
     * A pod that stops acknowledging (frozen, killed) may still trust its L1 until its lease runs out: a write waits
     * that long, never less (feed-stale-after, 1 s here, after the append), and is counted; once the pod is forgotten,
     * writes no longer wait for it.
     */
    @Test
    void aPodThatDoesNotAcknowledgeCostsItsLeaseCountedUntilItIsForgotten() {
        noOtherPods();
        String silent = uniqueId("silent");
        ack(silent, entry());
        double timeoutsBefore = timeouts();

        long appended = System.nanoTime();
        acks.await(appended(entry())).await().atMost(WAIT);
        long waited = System.nanoTime() - appended;
        assertThat(Duration.ofNanos(waited)).as("released only once the silent pod's lease ran out")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(timeouts()).as("a wait past the ack timeout, counted").isEqualTo(timeoutsBefore + 1);
        assertThat(waiting()).as("the waiter released by the lease is dropped").isZero();

        await("the silent pod forgotten after the liveness period").atMost(WAIT)
                .until(() -> acks.position(silent) == null);
        acks.await(appended(entry())).await().atMost(WAIT);
        assertThat(timeouts()).as("nobody to wait for: no timeout").isEqualTo(timeoutsBefore + 1);
    }

    /** An entry appended by the test, as a writer would wait for it (no acks id at its append: the older rule). */
    private static Appended appended(String entryId) {
        return new Appended(entryId, null);
    }

    /**
     * Timed by a listener that reads live, for a waiter (a parked one reads late: its lag would be the park's); a
     * pod that holds a waiter here keeps this pod's listener live.
     */
    @Test
    void anotherPodsAcknowledgementIsTimedFromItsEntryOnlyWhenItMovesThatPod() {
        String holder = uniqueId("holder");
        ack(holder, entry());
        CompletableFuture<Void> held = acks.await(appended(entry())).subscribeAsCompletionStage();
        await("a waiter").atMost(WAIT).until(() -> waiting() >= 1);
        String b = uniqueId("timed");
        ack(b, entry());
        long before = lags().count();
        String written = entry();
        ack(b, written);
        assertThat(lags().count()).as("a newer position: timed once").isEqualTo(before + 1);
        ack(b, written);
        ack(b, entry());
        streams().xadd(ACKS, Map.of("pod", b, "position", written));
        String newest = entry();
        ack(b, newest);
        assertThat(lags().count()).as("a repeated or older position is not timed again").isEqualTo(before + 3);
        streams().xadd(ACKS, Map.of("pod", holder, "left", "1"));
        await("the holder's waiter released").atMost(WAIT).until(held::isDone);
    }

    /**
     * A listener nobody waits on parks (it reads what came only every {@link PodAcks#PARK}); a waiter wakes it at once,
     * so a writer is released as soon as the acknowledgements come, not when the park ends.
     */
    @Test
    void aParkedListenerIsWokenByAWaiter() {
        noOtherPods();
        String b = uniqueId("woken");
        ack(b, entry());
        await("parked: nobody waits").atMost(WAIT).until(acks::parked);
        long wakes = acks.wakes();
        String written = entry();
        CompletableFuture<Void> acknowledged = acks.await(appended(written)).subscribeAsCompletionStage();
        assertThat(acks.wakes()).as("the waiter woke the listener").isEqualTo(wakes + 1);
        streams().xadd(ACKS, Map.of("pod", b, "position", written));
        await("released").atMost(WAIT).until(acknowledged::isDone);
    }

    private io.micrometer.core.instrument.Timer lags() {
        return registry.get("catalog.events.ack.lag").timer();
    }

    @Test
    void aPodThatStopsCleanlyIsForgottenAtOnce() {
        noOtherPods();
        String leaving = uniqueId("leaving");
        ack(leaving, entry());
        String written = entry();
        CompletableFuture<Void> acknowledged = acks.await(appended(written)).subscribeAsCompletionStage();
        streams().xadd(ACKS, Map.of("pod", leaving, "left", "1"));
        await("released by the pod's leaving").atMost(WAIT).until(acknowledged::isDone);
        assertThat(acks.position(leaving)).isNull();
    }

    @Test
    void theStreamAppendAnswersTheEntryIdEvenOfAnEventAppendedBefore() {
        String id = uniqueId("sku");
        ProductUpdated event = ProductUpdated.of(id, "kitchen", 1, System.nanoTime(), BigDecimal.ONE, null, false,
                Instant.now(), null);
        List<OutboundEvent> events = List.of(new OutboundEvent(event, json.write(event)));

        String newestAck = streams().xadd(ACKS, Map.of("pod", uniqueId("any"), "position", "0-1"));
        Appended appended = sink.append(events, sink.incarnation()).await().atMost(WAIT);
        streams().xadd(ACKS, Map.of("pod", uniqueId("later"), "position", "0-1"));
        Appended again = sink.append(events, sink.incarnation()).await().atMost(WAIT);

        assertThat(appended.entryId()).matches("\\d+-\\d+");
        assertThat(FeedPosition.compare(appended.acksAtAppend(), newestAck))
                .as("the newest acknowledgement when it was appended: %s", appended).isGreaterThanOrEqualTo(0);
        assertThat(again).as("the de-duplication marker holds the entry's id and its acks id").isEqualTo(appended);
        assertThat(streams().xrange(STREAM, StreamRange.of(appended.entryId(), appended.entryId())))
                .singleElement().satisfies(m -> {
                    assertThat(m.payload().get("event")).contains(id);
                    assertThat(m.payload().get("acks")).isEqualTo(appended.acksAtAppend());
                });
    }
}
