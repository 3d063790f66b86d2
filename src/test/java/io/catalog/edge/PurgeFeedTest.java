package io.catalog.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.catalog.model.ProductUpdated;
import io.catalog.support.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;

/**
 * The purge consumer group on a real Redis: two pods purge each event once between them, a pod takes over what a
 * dead pod left pending, and a failed purge is not acknowledged (so it is purged again later).
 */
class PurgeFeedTest {

    private static final String GROUP = "catalog-edge-purge";
    private static EdgeRedis redis;
    private static Json json;
    private static StreamCommands<String, String, String> streams;

    @BeforeAll
    static void startRedis() {
        redis = new EdgeRedis();
        json = new Json(new ObjectMapper().findAndRegisterModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS));
        streams = redis.blocking.stream(String.class, String.class, String.class);
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private static PurgeFeed feed(String stream, String consumer, EdgeTarget target, Duration claimIdle) {
        EdgePurger purger = new EdgePurger(List.of(target), Duration.ofMillis(20), 0, Duration.ofMillis(10), Duration.ZERO,
                new SimpleMeterRegistry());
        PurgeFeed.Settings settings = new PurgeFeed.Settings(stream, GROUP, consumer, Duration.ofMillis(100), 50,
                claimIdle, Duration.ofMinutes(10));
        return new PurgeFeed(redis.blocking, purger, json, settings, Clock.systemUTC(), new SimpleMeterRegistry());
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

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
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
        await("every product purged", () -> {
            for (int i = 0; i < 500; i++) {
                if (edgeOfA.purgesOf("product-p" + i) + edgeOfB.purgesOf("product-p" + i) == 0) {
                    return false;
                }
            }
            return true;
        });
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
        assertThat(edge.calls.get()).isEqualTo(2);
    }
}
