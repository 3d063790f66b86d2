package io.catalog.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.L2Cache;
import io.catalog.config.CatalogConfig;
import io.catalog.model.Keys;
import io.catalog.store.ProductStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * Production consistency checking, in the spirit of Meta's Polaris and Uber's Cache Inspector: a background sampler
 * takes products this pod served recently (from the bounded ring of {@link io.catalog.cache.HotKeys}), compares what
 * this pod's L1 and the shared L2 would serve with a strongly consistent read of the store, and repairs what is wrong
 * ({@link CacheRepair}: a re-publication to every tier, pod and the edge).
 * <p>
 * A copy is wrong when its version or its bytes differ from the store's document; so a change that bypassed the API
 * (a console edit, which leaves the sequence as it was) and an L2 entry corrupted in Redis are found as well as a
 * lost invalidation. A write may legitimately be in flight between the two reads, so a mismatch is only counted
 * stale when a second comparison, {@code catalog.consistency.delay} later (past the propagation window), still finds
 * it. Copies a tier would not serve are not compared: an L1 below its floor or while the feed is not trusted, an
 * L2 invalidation marker. An L2 entry that cannot be read is wrong (it makes every read of the key miss and every
 * compare-and-set on it fail).
 * <p>
 * Counts {@code catalog_consistency_checks_total{result="consistent"|"stale", tier}} ({@code tier} is {@code l1} or
 * {@code l2} on a stale result, once per stale tier, and {@code all} on a consistent one) and the age of each stale
 * copy ({@code catalog_consistency_stale_age_seconds}: how long L1 had held it; for L2, estimated from its remaining
 * TTL). A tick of Quarkus' scheduler every {@code 1 / catalog.consistency.rate} seconds starts a check unless one is
 * still running, so there is never more than one at a time; the ticks stop with the application.
 */
@ApplicationScoped
public class ConsistencyChecker {

    private static final Logger LOG = Logger.getLogger(ConsistencyChecker.class);
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    /** A tier's copy that differs from the store, how long it had been cached, and its version. */
    public record Stale(String tier, Duration age, long version) {
    }

    private final ProductStore store;
    private final L2Cache l2;
    private final CacheCoherence coherence;
    private final ProductDocuments documents;
    private final CacheRepair repair;
    private final ScheduledExecutorService scheduler;
    private final CatalogConfig.Consistency config;
    private final Duration productTtl;
    private final MeterRegistry registry;
    private final Counter consistent;
    private final AtomicBoolean running = new AtomicBoolean();
    private ScheduledFuture<?> ticks;

    public ConsistencyChecker(ProductStore store, L2Cache l2, CacheCoherence coherence, ProductDocuments documents,
            CacheRepair repair, ScheduledExecutorService scheduler, CatalogConfig config, MeterRegistry registry) {
        this.store = store;
        this.l2 = l2;
        this.coherence = coherence;
        this.documents = documents;
        this.repair = repair;
        this.scheduler = scheduler;
        this.config = config.consistency();
        this.productTtl = config.l2().productTtl();
        this.registry = registry;
        this.consistent = checks("consistent", "all");
    }

    private Counter checks(String result, String tier) {
        return Counter.builder("catalog.consistency.checks").tag("result", result).tag("tier", tier)
                .description("Sampled cache entries compared with the store, past the propagation window")
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            long period = (long) (1e9 / config.rate());
            ticks = scheduler.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.NANOSECONDS);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (ticks != null) {
            ticks.cancel(false);
        }
    }

    private void tick() {
        String key = coherence.hotKeys().recent(ThreadLocalRandom.current().nextInt());
        if (key == null || !key.startsWith(Keys.product("")) || !running.compareAndSet(false, true)) {
            return;
        }
        check(key.substring(Keys.product("").length())).ifNoItem().after(CHECK_TIMEOUT).fail()
                .subscribe().with(found -> running.set(false), failure -> {
                    running.set(false);
                    LOG.debugf("Consistency check of %s failed: %s", key, failure.toString());
                });
    }

    /**
     * Checks product {@code id} now: compares, and on a mismatch compares again past the propagation window; what is
     * still wrong then is counted stale and repaired.
     *
     * @return the stale copies found (empty when consistent)
     */
    public Uni<List<Stale>> check(String id) {
        return compare(id).chain(first -> first.stale().isEmpty() ? Uni.createFrom().item(first.stale())
                : Uni.createFrom().voidItem().onItem().delayIt().by(config.delay()).chain(() -> compare(id))
                        .map(second -> stillStale(second, first.storeVersion())))
                .chain(stale -> {
                    if (stale.isEmpty()) {
                        consistent.increment();
                        return Uni.createFrom().item(stale);
                    }
                    for (Stale s : stale) {
                        checks("stale", s.tier()).increment();
                        Timer.builder("catalog.consistency.stale.age").tag("tier", s.tier())
                                .description("How long a stale copy had been cached when the checker found it")
                                .register(registry).record(s.age());
                    }
                    LOG.warnf("Consistency checker: product %s stale in %s; re-publishing it", id, stale);
                    return repair.refresh(id).replaceWith(stale);
                });
    }

    /**
     * What the second comparison found that writes cannot explain: a copy of the store's current version with other
     * bytes (an edit behind the service's back, a corrupted entry), or a copy older than what the store already held
     * at the first comparison, one propagation window ago. A copy that is merely behind a write made since the first
     * comparison (a product written often) is not stale: the write's own event is still on its way.
     */
    static List<Stale> stillStale(Comparison second, long firstStoreVersion) {
        return second.stale().stream()
                .filter(s -> s.version() == second.storeVersion() || s.version() < firstStoreVersion).toList();
    }

    /** The copies that L1 and L2 would serve now and that differ from the store's document (read after them). */
    Uni<Comparison> compare(String id) {
        String key = Keys.product(id);
        CachedValue local = coherence.l1Trusted() ? coherence.l1().get(key) : null;
        Optional<Duration> localAge = local == null ? Optional.empty() : coherence.l1().ageOf(key);
        return l2.peek(key).chain(shared -> store.read(id, true).map(stored -> {
            CachedValue expected = documents.of(id, stored);
            List<Stale> stale = new ArrayList<>(2);
            if (local != null && coherence.floors().admits(local) && differs(local, expected)) {
                stale.add(new Stale("l1", localAge.orElse(Duration.ZERO), local.version()));
            }
            if (shared != null && (shared.kind() == '?' || shared.value() != null && differs(shared.value(), expected))) {
                long age = Math.max(0, productTtl.toMillis() - shared.ttlMillis());
                // an unreadable entry counts as a copy of the current version with other bytes
                long version = shared.value() == null ? expected.version() : shared.value().version();
                stale.add(new Stale("l2", Duration.ofMillis(age), version));
            }
            return new Comparison(stale, expected.version());
        }));
    }

    /** One comparison: the copies that differed, and the version the store held (read after the copies). */
    record Comparison(List<Stale> stale, long storeVersion) {
    }

    private static boolean differs(CachedValue cached, CachedValue expected) {
        return cached.version() != expected.version() || !Objects.equals(cached.body(), expected.body());
    }
}
