package io.catalog.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.catalog.cache.CachedValue;
import io.catalog.cache.Served;
import io.catalog.cache.Tier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class VersionRepeatsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong();
    private final VersionRepeats repeats = new VersionRepeats(registry, nanos::get, 100, Duration.ofMinutes(10));

    @Test
    void aPageServedUnderItsVersionWithAnotherBodyIsCounted() {
        repeats.page("members#c|20|null", page("{\"a\":1}", 100));
        repeats.page("members#c|20|null", page("{\"a\":2}", 100));

        assertThat(count("page")).isEqualTo(1);
        assertThat(count("summary")).isZero();
    }

    @Test
    void theSameBodyAgainOrANewerVersionIsNoRepeat() {
        repeats.page("k", page("{\"a\":1}", 100));
        repeats.page("k", page("{\"a\":1}", 100));
        repeats.page("k", page("{\"a\":2}", 101));
        repeats.page("k", page("{\"a\":2}", 101));

        assertThat(count("page")).isZero();
    }

    @Test
    void anOlderVersionIsNotRememberedOverANewerOne() {
        repeats.page("k", page("{\"a\":1}", 100));
        repeats.page("k", page("{\"a\":0}", 90)); // a pod whose aggregate was recomputed lower: not this count's case
        repeats.page("k", page("{\"a\":1}", 100));
        assertThat(count("page")).isZero();

        repeats.page("k", page("{\"a\":3}", 100));
        assertThat(count("page")).isEqualTo(1);
    }

    @Test
    void summariesAndPagesAreCountedApartAndKeysDoNotMix() {
        repeats.summary("c", page("{\"n\":1}", 7));
        repeats.page("c", page("{\"n\":2}", 7));
        repeats.summary("c", page("{\"n\":3}", 7));

        assertThat(count("summary")).isEqualTo(1);
        assertThat(count("page")).isZero();
    }

    @Test
    void anAbsentAnswerIsIgnored() {
        repeats.summary("c", new Served(CachedValue.absent(7, "t", List.of()), Tier.MISS));
        repeats.summary("c", page("{\"n\":1}", 7));

        assertThat(count("summary")).isZero();
    }

    @Test
    void whatWasServedIsForgottenAfterItsRetention() {
        repeats.page("k", page("{\"a\":1}", 100));
        nanos.addAndGet(Duration.ofMinutes(11).toNanos());
        repeats.page("k", page("{\"a\":2}", 100));

        assertThat(count("page")).isZero();
    }

    private double count(String kind) {
        return registry.get("catalog.aggregates.version.repeats").tag("kind", kind).counter().count();
    }

    private static Served page(String body, long version) {
        return new Served(CachedValue.found(body, version, "m:c", List.of("category-c")), Tier.L1);
    }
}
