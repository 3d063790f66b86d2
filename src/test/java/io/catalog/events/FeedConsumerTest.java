package io.catalog.events;

import static io.catalog.testing.TestCatalog.createUnique;
import static io.catalog.testing.TestCatalog.uniqueId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.catalog.cache.CacheCoherence;
import io.catalog.model.Keys;
import io.catalog.testing.LocalStackResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The feed against a real Redis stream that also holds entries this version cannot fully understand, and whose
 * connection is killed under it.
 */
@QuarkusTest
@TestProfile(FeedConsumerTest.OwnStream.class)
class FeedConsumerTest {

    static final String STREAM = "catalog:events:feed-test";

    /** A stream of this test's own, so that the entries it writes do not reach the other tests' readers. */
    public static class OwnStream implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("catalog.events.stream", STREAM);
        }
    }

    @Inject
    FeedConsumer feed;

    @Inject
    FeedApplier applier;
    @Inject
    MeterRegistry registry;
    @Inject
    CacheCoherence coherence;
    @Inject
    StartupReplay replay;

    private static String tier(String id) {
        return given().get("/products/{id}", id).then().statusCode(200).extract().header("X-Cache");
    }

    private static void awaitTier(String id, String expected) {
        await(id + " answered from " + expected).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> expected.equals(tier(id)));
    }

    private double feedFailures() {
        return registry.find("catalog.stream.worker.failures").tag("worker", "feed").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @Test
    void aBadEntryDoesNotStopTheFeedAndEventsWithUnknownFieldsStillInvalidate() throws Exception {
        String id = createUnique("feed", "kitchen", "20.00");
        awaitTier(id, "L1");
        long sequence = Long.parseLong(given().get("/products/{id}", id).header("X-Cache-Version"));

        double gaps = registry.get("catalog.feed.gaps").counter().count();
        long heard = coherence.changesHeard();
        LocalStackResource.redis().command("XADD", STREAM, "*", "event", "{not json");
        // an entry it cannot read may have been any change: a gap, after which nothing only the floors vouch for
        // stands (a stand-in for a hung store, a generation taken while the store cannot give it)
        await("the unreadable entry taken for a gap").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20)).until(() -> registry.get("catalog.feed.gaps").counter().count() > gaps);
        assertThat(coherence.changesHeard()).isGreaterThan(heard);
        String future = "{\"type\":\"ProductUpdated\",\"productId\":\"" + id + "\",\"category\":\"kitchen\","
                + "\"version\":9,\"sequence\":" + (sequence + 1_000_000) + ",\"price\":21.00,\"previousPrice\":20.00,"
                + "\"deleted\":false,\"occurredAt\":\"2026-11-26T10:00:00Z\",\"fieldOfANewerVersion\":{\"x\":1}}";
        LocalStackResource.redis().command("XADD", STREAM, "*", "event", future);

        // the event was applied: the L1 entry is older than it, so the product is no longer answered from L1
        await("the event with an unknown field applied").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20)).until(() -> !"L1".equals(tier(id)));
        // and the feed goes on: another product is answered from L1 again
        String other = createUnique("feed", "kitchen", "20.00");
        awaitTier(other, "L1");
    }

    /**
     * A killed connection fails the blocking read; the feed's worker reports it (L1 is dropped) and reads again
     * after its backoff, so the pod trusts and fills L1 again without a restart.
     */
    @Test
    void theFeedReadsAgainAfterItsConnectionWasKilled() throws Exception {
        String before = createUnique("feed", "kitchen", "20.00");
        awaitTier(before, "L1");
        double failures = feedFailures();

        await("a killed connection fails a read of the feed").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    LocalStackResource.redis().command("CLIENT", "KILL", "TYPE", "normal");
                    return feedFailures() > failures;
                });

        await("the feed is read again").atMost(Duration.ofSeconds(5)).until(feed::healthy);
        String after = createUnique("feed", "kitchen", "20.00");
        awaitTier(after, "L1");
        awaitTier(before, "L1");
    }

    @Test
    void aStartingPodReadsFromTheStreamsNewestEntryAndRaisesTheFloorsOfTheRecentEventsBeforeIt() {
        String id = uniqueId("feed");
        long sequence = 5_000_000_000L + System.nanoTime() % 1_000_000;
        String event = "{\"type\":\"ProductUpdated\",\"productId\":\"" + id + "\",\"category\":\"kitchen\","
                + "\"version\":3,\"sequence\":" + sequence + ",\"price\":21.00,\"previousPrice\":20.00,"
                + "\"deleted\":false,\"occurredAt\":\"2026-11-26T10:00:00Z\"}";
        // a stream that no running feed reads: only the start can raise the floor
        String stream = STREAM + ":" + id;
        String old = id + "-old";
        long elevenMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(11).toMillis();
        LocalStackResource.redis().command("XADD", stream, elevenMinutesAgo + "-0", "event",
                event.replace(id, old));
        LocalStackResource.redis().command("XADD", stream, "*", "event", event);
        // entries without an event field, or unreadable: skipped
        LocalStackResource.redis().command("XADD", stream, "*", "note", "two");
        LocalStackResource.redis().command("XADD", stream, "*", "event", "{not json");
        // the raw reply of XADD is a bulk string: $<length>, then the id
        String newest = LocalStackResource.redis().command("XADD", stream, "*", "note", "three").split("\r\n")[1];
        assertThat(coherence.floors().of(Keys.product(id))).as("before the start").isLessThan(sequence);

        assertThat(replay.run(stream).position().lastId())
                .as("where a pod starting now begins: after the newest entry, not at 0-0").isEqualTo(newest);
        assertThat(coherence.floors().of(Keys.product(id))).as("the floor of an event before the start")
                .isEqualTo(sequence);
        assertThat(coherence.floors().of(Keys.category("kitchen"))).isGreaterThanOrEqualTo(sequence);
        assertThat(coherence.floors().of(Keys.product(old))).as("an event older than the floors' retention: no floor")
                .isLessThan(sequence);
    }

    /** The made-up event of {@link FeedApplier#prime} (sequence 1), run at start-up and here again, leaves no trace. */
    @Test
    void primingTheApplyPathAppliesNothing() {
        double applied = registry.get("catalog.events.applied").counter().count();

        applier.prime();

        assertThat(coherence.l1().prepared(Keys.product("prime"))).as("nothing put into L1").isNull();
        assertThat(coherence.floors().of(Keys.product("prime"))).as("no floor raised").isLessThan(1);
        assertThat(coherence.floors().of(Keys.category("prime"))).isLessThan(1);
        assertThat(registry.get("catalog.events.applied").counter().count()).isEqualTo(applied);
    }
}
