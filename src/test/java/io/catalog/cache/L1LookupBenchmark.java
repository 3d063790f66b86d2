package io.catalog.cache;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.catalog.lab.AbsentL2;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * The L1 lookup path in process: {@link TieredCache#get} on an L1 hit (feed trusted, floor check, hit counter, the
 * {@code Uni} it returns, awaited) and the raw {@link L1Cache#get} (Caffeine) underneath. Run with {@code bin/bench
 * --jmh}; named *Benchmark so that surefire ignores it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class L1LookupBenchmark {

    private static final String KEY = "p:sku-00001";

    private CacheCoherence coherence;
    private TieredCache cache;
    private Source source;

    @Setup
    public void setUp() {
        coherence = new CacheCoherence(Duration.ofSeconds(30), 50_000, Duration.ofHours(1),
                com.github.benmanes.caffeine.cache.Ticker.systemTicker());
        L2Cache l2 = new AbsentL2("b:");
        cache = new TieredCache(coherence, l2, new SimpleMeterRegistry());
        coherence.heartbeat();
        CachedValue value = CachedValue.found("{\"id\":\"sku-00001\",\"price\":103.62,\"version\":1}", 7,
                "p:sku-00001", List.of("product-sku-00001"));
        source = () -> Uni.createFrom().item(new Source.Plan(KEY, consistent -> Uni.createFrom().item(value)));
        // the first get loads (MISS) and fills L1; every later get is an L1 hit
        Served first = cache.get(KEY, source, Duration.ofMinutes(10)).await().indefinitely();
        Served second = cache.get(KEY, source, Duration.ofMinutes(10)).await().indefinitely();
        if (first.tier() != Tier.MISS || second.tier() != Tier.L1) {
            throw new IllegalStateException("setup: expected MISS then L1, got " + first.tier() + ", " + second.tier());
        }
    }

    /** The whole tiered path on an L1 hit, awaited as a caller would. */
    @Benchmark
    public Served tieredGetL1Hit() {
        return cache.get(KEY, source, Duration.ofMinutes(10)).await().indefinitely();
    }

    /** Caffeine alone. */
    @Benchmark
    public CachedValue l1CacheGetRaw() {
        return coherence.l1().get(KEY);
    }
}
