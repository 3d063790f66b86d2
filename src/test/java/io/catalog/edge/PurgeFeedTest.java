package io.catalog.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.catalog.events.StreamWorkers;
import io.catalog.model.ProductUpdated;
import io.catalog.support.Json;
import io.catalog.testing.RedisDataSources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;

/**
 * The purge consumer group on a real Redis: two pods purge each event once between them, a pod takes over what a
 * dead or stopped pod left pending, a failed purge is not acknowledged (so it is purged again later), and a group
 * Redis lost is created again by the reader's worker after the {@code NOGROUP} error.
 */
class PurgeFeedTest {

    private static final String GROUP = "catalog-edge-purge";
    private static RedisDataSources redis;
    private static Json json;
    private static StreamCommands<String, String, String> streams;
    private static ScheduledExecutorService executor;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void startRedis() {
        redis = new RedisDataSources();
        json = new Json(new ObjectMapper().findAndRegisterModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS));
        streams = redis.blocking.stream(String.class, String.class, String.class);
        executor = Executors.newScheduledThreadPool(4);
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("every round ended").isTrue();
        redis.close();
    }

    private PurgeFeed feed(String stream, String consumer, EdgeTarget target, Duration claimIdle) {
        EdgePurger purger = new EdgePurger(List.of(target), Duration.ofMillis(20), 0, Duration.ofMillis(10), Duration.ZERO,
                executor, new SimpleMeterRegistry());
        PurgeFeed.Settings settings = new PurgeFeed.Settings(stream, GROUP, consumer, Duration.ofMillis(100), 50,
                claimIdle, Duration.ofMinutes(10));
        return new PurgeFeed(redis.blocking, purger, json, settings, Clock.systemUTC(),
                new StreamWorkers(executor, registry), registry, null);
    }

    private static void publish(String stream, int from, int to) {
        for (int i = from; i < to; i++) {
            ProductUpdated event = EdgePurgerTest.event("p" + i, "c" + (i % 7), null);
            streams.xadd(stream, Map.of("event", json.write(event)));
        }
    }

    private static long pending(String stream) {
        return streams.xpending(stream, GROUP).getPendingCount();
    }

    private static boolean groupExists(String stream) {
        try {
            streams.xpending(stream, GROUP);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(condition::getAsBoolean);
    }

    /** Whether products {@code from} to {@code to} (excluded) were purged by any of {@code edges}. */
    private static boolean allPurged(int from, int to, RecordingTarget... edges) {
        for (int i = from; i < to; i++) {
            String key = "product-p" + i;
            if (Arrays.stream(edges).mapToLong(edge -> edge.purgesOf(key)).sum() == 0) {
                return false;
            }
        }
        return true;
    }

    private double failures(String error) {
        return registry.find("catalog.stream.worker.failures").tags("worker", "purge-feed", "error", error).counters()
                .stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void twoPodsPurgeEachEventExactlyOnceBetweenThem() throws Exception {
        String stream = "events-two-pods";
        RecordingTarget edgeOfA = new RecordingTarget("a");
        RecordingTarget edgeOfB = new RecordingTarget("b");
        PurgeFeed a = feed(stream, "pod-a", edgeOfA, Duration.ofSeconds(30));
        PurgeFeed b = feed(stream, "pod-b", edgeOfB, Duration.ofSeconds(30));
        a.start();
        b.start();
        await("the group", () -> groupExists(stream));
        for (int round = 0; round < 20; round++) {
            publish(stream, round * 25, round * 25 + 25);
            Thread.sleep(15);
        }
        await("every product purged", () -> allPurged(0, 500, edgeOfA, edgeOfB));
        await("every entry acknowledged", () -> pending(stream) == 0);
        a.stop();
        b.stop();
        for (int i = 0; i < 500; i++) {
            assertThat(edgeOfA.purgesOf("product-p" + i) + edgeOfB.purgesOf("product-p" + i))
                    .as("purges of product-p%d by both pods", i).isEqualTo(1);
        }
        assertThat(edgeOfA.batches).as("pod a purged some").isNotEmpty();
        assertThat(edgeOfB.batches).as("pod b purged some").isNotEmpty();
    }

    @Test
    void entriesLeftPendingByADeadPodAreClaimedAndPurged() throws Exception {
        String stream = "events-dead-pod";
        streams.xgroupCreate(stream, GROUP, "$", new XGroupCreateArgs().mkstream());
        publish(stream, 0, 10);
        // the dead pod read them and never acknowledged
        assertThat(streams.xreadgroup(GROUP, "dead-pod", stream, ">", new XReadGroupArgs().count(100))).hasSize(10);
        assertThat(pending(stream)).isEqualTo(10);

        RecordingTarget edge = new RecordingTarget("live");
        PurgeFeed live = feed(stream, "live-pod", edge, Duration.ofMillis(300));
        live.start();
        await("the dead pod's entries purged", () -> edge.purgesOf("product-p9") == 1);
        await("acknowledged", () -> pending(stream) == 0);
        live.stop();
        for (int i = 0; i < 10; i++) {
            assertThat(edge.purgesOf("product-p" + i)).isEqualTo(1);
        }
    }

    @Test
    void aFailedPurgeStaysPendingAndIsPurgedAgainOnceTheEdgeIsBack() throws Exception {
        String stream = "events-edge-down";
        RecordingTarget edge = new RecordingTarget("down");
        edge.failNext.set(1);
        PurgeFeed feed = feed(stream, "pod", edge, Duration.ofMillis(300));
        feed.start();
        await("the group", () -> groupExists(stream));
        publish(stream, 0, 3);
        await("a purge attempt", () -> edge.calls.get() >= 1);
        await("the retry after the claim idle time", () -> edge.purgesOf("product-p2") == 1);
        await("acknowledged", () -> pending(stream) == 0);
        feed.stop();
        // the failed attempt and the retry of its batch; and one more if the feed read the three events in two
        // rounds (the first of a quiet period is purged at once, the others when its window ends)
        assertThat(edge.calls.get()).isBetween(2, 3);
    }

    @Test
    void aGroupRedisLostIsCreatedAgainAndTheNewEntriesArePurged() {
        String stream = "events-group-lost";
        RecordingTarget edge = new RecordingTarget("edge");
        PurgeFeed feed = feed(stream, "pod", edge, Duration.ofSeconds(30));
        feed.start();
        await("the group", () -> groupExists(stream));
        publish(stream, 0, 3);
        await("the first entries purged", () -> edge.purgesOf("product-p2") == 1);

        streams.xgroupDestroy(stream, GROUP); // what a restart with empty data does to the group
        publish(stream, 3, 6);

        await("the entries after the loss purged", () -> edge.purgesOf("product-p5") >= 1);
        await("acknowledged in the new group", () -> groupExists(stream) && pending(stream) == 0);
        feed.stop();
        assertThat(failures("NOGROUP")).as("the worker saw the NOGROUP error").isGreaterThanOrEqualTo(1);
        for (int i = 3; i < 6; i++) {
            assertThat(edge.purgesOf("product-p" + i)).as("product-p%d", i).isEqualTo(1);
        }
    }

    @Test
    void aStoppedPodReadsNothingMoreAndAnotherOneTakesOver() {
        String stream = "events-stopped-pod";
        RecordingTarget edgeOfA = new RecordingTarget("a");
        RecordingTarget edgeOfB = new RecordingTarget("b");
        PurgeFeed a = feed(stream, "pod-a", edgeOfA, Duration.ofMillis(300));
        a.start();
        await("the group", () -> groupExists(stream));
        publish(stream, 0, 1);
        await("pod a reads", () -> edgeOfA.purgesOf("product-p0") == 1);
        AtomicLong aCalls = new AtomicLong(edgeOfA.calls.get());
        a.stop();

        publish(stream, 1, 11);
        PurgeFeed b = feed(stream, "pod-b", edgeOfB, Duration.ofMillis(300));
        b.start();
        await("pod b purged what was published after the stop", () -> allPurged(1, 11, edgeOfB));
        await("acknowledged", () -> pending(stream) == 0);
        b.stop();
        assertThat(edgeOfA.calls.get()).as("no purge by the stopped pod").isEqualTo(aCalls.get());
    }
}
