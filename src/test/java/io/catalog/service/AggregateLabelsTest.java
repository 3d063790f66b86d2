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
import io.catalog.store.Sequences;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/**
 * The labels of pages and summaries ({@link AggregateLabels}) against a real Redis: two instances stand for two pods
 * asking the same Redis, each with its own memory and clock; the sequence counter is a number in memory, whose high
 * water mark a test moves as other pods' writes would.
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
    /** The counter's high-water mark: every sequence handed out is at most this. */
    private final AtomicLong counter = new AtomicLong(10);
    private final AtomicLong counterCalls = new AtomicLong();
    private volatile boolean counterFails;

    private Sequences sequences() {
        return new Sequences(count -> {
            counterCalls.incrementAndGet();
            return counterFails ? Uni.createFrom().failure(new IllegalStateException("the counter is down"))
                    : Uni.createFrom().item(counter.addAndGet(count) - count + 1);
        }, 1_000, new SimpleMeterRegistry());
    }

    private AggregateLabels pod(SimpleMeterRegistry registry) {
        return pod(l2, registry);
    }

    private AggregateLabels pod(L2Cache l2, SimpleMeterRegistry registry) {
        return new AggregateLabels(redis, l2, sequences(), WAIT, registry, nanos::get);
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
        long other = label(b, key, second);
        assertThat(other).isGreaterThan(100);
        assertThat(label(a, key, second)).isEqualTo(other);
        assertThat(label(b, key, first)).isEqualTo(100);
    }

    @Test
    void aBodyThatTakesInMoreChangesGetsAHigherLabel() {
        AggregateLabels a = pod(registryA);
        assertThat(label(a, key, body("{\"items\":[1]}", 100))).isEqualTo(100);
        long second = label(a, key, body("{\"items\":[1,2]}", 100)); // took in a change with a lower sequence
        assertThat(second).isGreaterThan(100);
        long third = label(a, key, body("{\"items\":[1,2,3]}", 101)); // and another, below the label given
        assertThat(third).isGreaterThan(second);
        // a change above every label issued: its sequence is the label
        assertThat(label(a, key, body("{\"items\":[1,2,3,4]}", third + 1_000))).isEqualTo(third + 1_000);
        // the summary of the same name is labelled on its own
        assertThat(a.summary(key, body("{\"n\":1}", 100)).await().atMost(WAIT).value().version()).isEqualTo(100);
    }

    @Test
    void aBodyServedAgainAsksRedisOnlyOnceItsLabelIsNoLongerRemembered() {
        AggregateLabels a = pod(registryA);
        Served page = body("{\"items\":[1]}", 100);
        label(a, key, page);
        nanos.addAndGet(AggregateLabels.REMEMBERED.minusSeconds(1).toNanos());
        label(a, key, page);
        nanos.addAndGet(AggregateLabels.REMEMBERED.minusSeconds(1).toNanos()); // remembered from its last read
        label(a, key, page);
        assertThat(count(registryA, "issued")).isEqualTo(1);

        nanos.addAndGet(AggregateLabels.REMEMBERED.plusSeconds(1).toNanos());
        assertThat(label(a, key, page)).isEqualTo(100);
        assertThat(count(registryA, "issued")).isEqualTo(2);
    }

    /**
     * An L2 whose incarnation is not known yet (before the start-up check): no label from Redis, so each body is served
     * under a sequence of the pod's own, which no other body can have, and keeps it on this pod.
     */
    @Test
    void withoutAKnownRedisIncarnationEachBodyIsServedUnderASequenceOfThePodsOwn() {
        AggregateLabels a = pod(new L2Cache(redis, "test:", WAIT, 0), registryA);

        long first = label(a, key, body("{\"items\":[1]}", 100));
        long second = label(a, key, body("{\"items\":[2]}", 100));
        assertThat(first).isGreaterThan(100);
        assertThat(second).isGreaterThan(100).isNotEqualTo(first);
        assertThat(label(a, key, body("{\"items\":[2]}", 100))).isEqualTo(second);
        assertThat(count(registryA, "unrecorded")).isEqualTo(2);
        assertThat(count(registryA, "issued")).isZero();
    }

    @Test
    void whenNeitherRedisNorTheCounterAnswersTheComputedVersionIsServedAndCounted() {
        counterFails = true;
        AggregateLabels a = pod(registryA);

        assertThat(label(a, key, body("{\"items\":[1]}", 100))).isEqualTo(100);
        long calls = counterCalls.get();
        nanos.incrementAndGet(); // a new hash found missing after the failed call started
        assertThat(label(a, key + "-2", body("{\"items\":[1]}", 100))).isEqualTo(100);
        // the base is not asked for again within a second of its failure; the pod's own sequence is
        assertThat(counterCalls.get()).isEqualTo(calls + 1);
        assertThat(count(registryA, "computed")).isEqualTo(2);
    }

    /**
     * Redis lost the labels of a page (restarted empty, failed over, evicted it, or its retention ran out): a new hash
     * starts above every label issued before, though the body's computed version is where it was. No time passes: a
     * base taken before the hash was found missing would not do.
     */
    @Test
    void aPageWhoseLabelsRedisLostIsLabelledAboveEveryLabelIssuedBefore() {
        counter.set(100); // sequences up to 100 were handed out
        AggregateLabels a = pod(registryA);
        AggregateLabels b = pod(new SimpleMeterRegistry());
        long first = label(a, key, body("{\"items\":[1]}", 100));
        long second = label(b, key, body("{\"items\":[2]}", 100));
        assertThat(second).isGreaterThan(first);

        redis.execute("DEL", l2.keyOf("{label:p:" + key + "}")).await().atMost(WAIT);
        nanos.incrementAndGet();
        long third = label(a, key, body("{\"items\":[3]}", 100));
        nanos.incrementAndGet();
        long again = label(b, key, body("{\"items\":[1]}", 100));

        assertThat(third).isGreaterThan(second);
        assertThat(again).isGreaterThan(third);
    }

    @Test
    void everyHashFoundMissingTakesABaseFromACounterCallStartedAfterwards() {
        AggregateLabels a = pod(registryA);
        label(a, key + "-1", body("{\"items\":[1]}", 5));
        assertThat(counterCalls.get()).isEqualTo(1);
        nanos.incrementAndGet();
        label(a, key + "-2", body("{\"items\":[1]}", 5));
        assertThat(counterCalls.get()).isEqualTo(2);
        label(a, key + "-2", body("{\"items\":[2]}", 1_000_000)); // an existing hash needs no base
        assertThat(counterCalls.get()).isEqualTo(2);
    }

    @Test
    void aBodyShownAgainAfterChangesThatLeftItAsItWasGetsALabelNotBelowThem() {
        AggregateLabels a = pod(registryA);
        AggregateLabels b = pod(new SimpleMeterRegistry());
        assertThat(label(a, key, body("{\"n\":1}", 100))).isEqualTo(100);
        assertThat(label(a, key, body("{\"n\":2}", 200))).isEqualTo(200);
        assertThat(label(b, key, body("{\"n\":1}", 300))).isEqualTo(300);
        assertThat(label(a, key, body("{\"n\":1}", 300))).isEqualTo(300);
        assertThat(count(registryA, "computed") + count(registryA, "unrecorded")).isZero();
    }

    @Test
    void everyNewBodyBelowTheHighestLabelGetsALabelAboveIt() {
        AggregateLabels a = pod(registryA);
        AggregateLabels b = pod(new SimpleMeterRegistry());
        long previous = 0;
        for (int i = 0; i < 100; i++) { // a writer's sequences below a base: the computed version stays below
            long label = label(i % 2 == 0 ? a : b, key, body("{\"items\":[" + i + "]}", 50));
            assertThat(label).isGreaterThan(previous);
            previous = label;
        }
        assertThat(count(registryA, "computed") + count(registryA, "unrecorded")).isZero();
    }

    @Test
    void thePageKeepsABoundedNumberOfLabelsAndTheNewest() {
        AggregateLabels a = pod(registryA);
        int labels = 2 * AggregateLabels.KEPT + 1;
        for (int i = 0; i < labels; i++) {
            label(a, key, body("{\"items\":[" + i + "]}", 1_000 + i));
        }
        String hash = l2.keyOf("{label:p:" + key + "}");
        // the bodies kept, the highest label and the base
        assertThat(redis.execute("HLEN", hash).await().atMost(WAIT).toLong()).isEqualTo(AggregateLabels.KEPT + 2);
        assertThat(redis.execute("HGET", hash, "h").await().atMost(WAIT).toLong()).isEqualTo(1_000 + labels - 1);
        assertThat(redis.execute("HGET", hash, "e:" + body("{\"items\":[" + (labels - 1) + "]}", 0).value().etag())
                .await().atMost(WAIT).toLong()).isEqualTo(1_000 + labels - 1);
        assertThat(redis.execute("HGET", hash, "e:" + body("{\"items\":[0]}", 0).value().etag()).await()
                .atMost(WAIT)).isNull();
        assertThat(redis.execute("PTTL", hash).await().atMost(WAIT).toLong())
                .isPositive().isLessThanOrEqualTo(AggregateLabels.RETENTION.toMillis());
    }
}
