package io.catalog.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.catalog.testing.LocalStackResource;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;

/** The L2 compare-and-set against a real Redis. */
@QuarkusTest
class L2CacheTest {

    static final Duration TTL = Duration.ofMinutes(1);

    @Inject
    L2Cache l2;
    @Inject
    ReactiveRedisDataSource redis;

    private static String key() {
        return "test:" + UUID.randomUUID();
    }

    private static CachedValue version(long v) {
        return CachedValue.found("{\"v\":" + v + "}", v, "p:x", List.of("product-x"));
    }

    private CachedValue get(String key) {
        L2Cache.Hit hit = l2.get(key).await().atMost(Duration.ofSeconds(5));
        return hit == null ? null : hit.value();
    }

    @Test
    void aNewerVersionReplacesAnOlderOneButNeverTheReverse() {
        String key = key();
        l2.put(key, version(2), TTL).await().indefinitely();
        l2.put(key, version(1), TTL).await().indefinitely();
        assertThat(get(key).version()).isEqualTo(2);

        l2.put(key, version(3), TTL).await().indefinitely();
        assertThat(get(key).version()).isEqualTo(3);
        assertThat(get(key).body()).isEqualTo("{\"v\":3}");
        assertThat(get(key).surrogateKeys()).containsExactly("product-x");
    }

    @Test
    void staleSet_aMarkerRefusesTheOlderLoadThatArrivesAfterIt() {
        String key = key();
        l2.put(key, version(1), TTL).await().indefinitely();

        l2.invalidate(key, 2, TTL).await().indefinitely();
        assertThat(get(key)).isNull();

        l2.put(key, version(1), TTL).await().indefinitely();
        assertThat(get(key)).isNull();

        l2.put(key, version(2), TTL).await().indefinitely();
        assertThat(get(key).version()).isEqualTo(2);
    }

    @Test
    void aMarkerDoesNotHideTheVersionItNames() {
        String key = key();
        l2.put(key, version(5), TTL).await().indefinitely();

        l2.invalidate(key, 5, TTL).await().indefinitely();

        assertThat(get(key).version()).isEqualTo(5);
    }

    @Test
    void negativeEntriesAreVersionedToo() {
        String key = key();
        l2.put(key, CachedValue.absent(0, "p:x", List.of()), TTL).await().indefinitely();
        assertThat(get(key).exists()).isFalse();

        l2.invalidate(key, 4, TTL).await().indefinitely();

        assertThat(get(key)).isNull();
    }

    @Test
    void hitsReportTheirRemainingTimeToLive() {
        String key = key();
        l2.put(key, version(1), TTL).await().indefinitely();

        L2Cache.Hit hit = l2.get(key).await().indefinitely();

        assertThat(hit.ttlMillis()).isBetween(TTL.toMillis() - 5_000, (long) (TTL.toMillis() * 1.11));
    }

    /**
     * Path 8 of the never-stale issue: a pod that has not learnt its Redis incarnation yet (start-up) must not read or write
     * L2 under no epoch at all: entries written there would be read by every later pod in the same moment of its
     * start, whatever restarts and failovers happened in between.
     */
    @Test
    void anL2WhoseRedisEpochIsNotKnownYetNeitherReadsNorWrites() {
        L2Cache starting = new L2Cache(redis, "epochless:", Duration.ofSeconds(2), 0);
        String key = key();
        LocalStackResource.redis().command("SET", "epochless:" + key, "5|D|p:x|product-x|{\"v\":5}");
        starting.put(key, version(6), TTL).await().indefinitely();

        assertThat(starting.get(key).await().atMost(Duration.ofSeconds(5))).as("no epoch: a miss").isNull();
        assertThat(LocalStackResource.redis().command("GET", "epochless:" + key)).as("nothing written")
                .contains("{\"v\":5}");
    }

    /** Path 4: a marker is read as what it says, the version the key has reached, so a pod without a floor learns it. */
    @Test
    void aMarkerIsReadAsTheVersionItStandsFor() {
        String key = key();
        l2.put(key, version(1), TTL).await().indefinitely();
        l2.invalidate(key, 7, TTL).await().indefinitely();

        L2Cache.Hit hit = l2.get(key).await().atMost(Duration.ofSeconds(5));
        assertThat(hit.isMarker()).isTrue();
        assertThat(hit.marker()).isEqualTo(7);
    }
}
