package io.catalog.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.catalog.cache.CachedValue;
import io.catalog.cache.L2Cache;
import io.catalog.cache.Served;
import io.catalog.cache.Tier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The labels of pages and summaries ({@link AggregateLabels}) against a real Redis: two instances stand for two pods
 * asking the same Redis, each with its own memory and clock.
 */
@QuarkusTest
class AggregateLabelsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    L2Cache l2;

    private final AtomicLong nanos = new AtomicLong();
    private final SimpleMeterRegistry registryA = new SimpleMeterRegistry();
    private final String key = "members#c-" + UUID.randomUUID() + "|20|null";

    private AggregateLabels pod(SimpleMeterRegistry registry) {
        return new AggregateLabels(redis, l2, WAIT, registry, nanos::get);
    }

    private static Served body(String body, long computed) {
        return new Served(CachedValue.found(body, computed, "c:c", List.of("category-c")), Tier.L1);
    }

    private static long label(AggregateLabels pod, String key, Served served) {
        Served labelled = pod.page(key, served).await().atMost(WAIT);
        assertThat(labelled.value().body()).isEqualTo(served.value().body());
        assertThat(labelled.value().etag()).isEqualTo(served.value().etag());
        return labelled.value().version();
    }

    private static double count(SimpleMeterRegistry registry, String result) {
        return registry.find("catalog.aggregates.labels").tag("result", result).counter().count();
    }

    @Test
    void twoPodsServeOneBodyPerLabelAndAdoptEachOthersLabels() {
        AggregateLabels a = pod(registryA);
        AggregateLabels b = pod(new SimpleMeterRegistry());
        Served first = body("{\"items\":[1]}", 100);
        Served second = body("{\"items\":[2]}", 100); // took in a change appended late, with a lower sequence

        assertThat(label(a, key, first)).isEqualTo(100);
        assertThat(label(b, key, second)).isEqualTo(101);
        assertThat(label(a, key, second)).isEqualTo(101);
        assertThat(label(b, key, first)).isEqualTo(100);
    }

    @Test
    void aBodyThatTakesInMoreChangesGetsAHigherLabel() {
        AggregateLabels a = pod(registryA);
        assertThat(label(a, key, body("{\"items\":[1]}", 100))).isEqualTo(100);
        assertThat(label(a, key, body("{\"items\":[1,2]}", 100))).isEqualTo(101);
        // a change whose sequence is the label given above: the next free label
        assertThat(label(a, key, body("{\"items\":[1,2,3]}", 101))).isEqualTo(102);
        assertThat(label(a, key, body("{\"items\":[1,2,3,4]}", 105))).isEqualTo(105);
        // the summary of the same name is labelled on its own
        assertThat(a.summary(key, body("{\"n\":1}", 100)).await().atMost(WAIT).value().version()).isEqualTo(100);
    }

    @Test
    void aBodyServedAgainAsksRedisOnlyOnceItsLabelIsNoLongerRemembered() {
        AggregateLabels a = pod(registryA);
        Served page = body("{\"items\":[1]}", 100);
        label(a, key, page);
        label(a, key, page);
        label(a, key, page);
        assertThat(count(registryA, "issued")).isEqualTo(1);

        nanos.addAndGet(AggregateLabels.REMEMBERED.plusSeconds(1).toNanos());
        assertThat(label(a, key, page)).isEqualTo(100);
        assertThat(count(registryA, "issued")).isEqualTo(2);
    }

    @Test
    void withoutAKnownRedisIncarnationTheComputedVersionIsServedAndCounted() {
        // an L2 whose incarnation is not known yet (before the start-up check, or after a failover was seen)
        L2Cache unknown = new L2Cache(redis, "test:", WAIT, 0);
        AggregateLabels a = new AggregateLabels(redis, unknown, WAIT, registryA, nanos::get);

        assertThat(label(a, key, body("{\"items\":[1]}", 100))).isEqualTo(100);
        assertThat(label(a, key, body("{\"items\":[2]}", 100))).isEqualTo(100);
        assertThat(count(registryA, "unissued")).isEqualTo(2);
    }

    @Test
    void pastTheMostLabelsWalkedTheComputedVersionIsServed() {
        AggregateLabels a = pod(registryA);
        for (int i = 0; i <= AggregateLabels.MOST_WALKED; i++) {
            assertThat(label(a, key, body("{\"items\":[" + i + "]}", 100))).isEqualTo(100 + i);
        }
        assertThat(label(a, key, body("{\"items\":[\"one more\"]}", 100))).isEqualTo(100);
        assertThat(count(registryA, "unissued")).isEqualTo(1);
    }

    @Test
    void thePageKeepsABoundedNumberOfLabelsAndTheNewest() {
        AggregateLabels a = pod(registryA);
        int labels = 2 * AggregateLabels.KEPT + 1;
        for (int i = 0; i < labels; i++) {
            label(a, key, body("{\"items\":[" + i + "]}", 1_000 + i));
        }
        String hash = l2.keyOf("{label:p:" + key + "}");
        assertThat(redis.execute("HLEN", hash).await().atMost(WAIT).toLong()).isEqualTo(AggregateLabels.KEPT);
        assertThat(redis.execute("HGET", hash, Long.toString(1_000 + labels - 1)).await().atMost(WAIT)).isNotNull();
        assertThat(redis.execute("HGET", hash, "1000").await().atMost(WAIT)).isNull();
        assertThat(redis.execute("PTTL", hash).await().atMost(WAIT).toLong())
                .isPositive().isLessThanOrEqualTo(AggregateLabels.RETENTION.toMillis());
    }
}
