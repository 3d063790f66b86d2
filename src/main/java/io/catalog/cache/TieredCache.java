package io.catalog.cache;

import java.time.Duration;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

/**
 * The read path through L1, L2 and the source of truth.
 * <ol>
 * <li>L1, only while the invalidation feed is trusted, and only a value not below its token's floor.</li>
 * <li>Otherwise one load per key in flight (single-flight): L2, then the source. A value that comes back below
 * its floor (an eventually consistent read or DAX behind an event this pod already applied, or a shared load
 * that began before an invalidation) is reloaded strongly consistent and is never served or cached.</li>
 * <li>What is served raises the floor: this pod never answers an older version afterwards.</li>
 * </ol>
 * Every L1 lookup goes through {@link #l1Hit}, which also feeds the pod's {@link HotKeys} sketch and, when tracing is
 * on, the tier spans ({@link ReadSpans}).
 */
@ApplicationScoped
public class TieredCache {

    /** An L2 hit with less than this fraction of its TTL left is recomputed in the background. */
    static final double REFRESH_AHEAD = 0.2;

    private final CacheCoherence coherence;
    private final L2Cache l2;
    private final HotKeys hotKeys;
    private final ReadSpans spans;
    private final SingleFlight<Served> flights = new SingleFlight<>();
    private final Counter l1Hits;
    private final Counter l1Misses;
    private final Counter l2Hits;
    private final Counter l2Misses;
    private final Counter loads;
    private final Counter consistentReloads;
    private final Counter consistentLoads;
    private final Counter refreshes;

    public TieredCache(CacheCoherence coherence, L2Cache l2, MeterRegistry registry) {
        this(coherence, l2, ReadSpans.OFF, registry);
    }

    @Inject
    public TieredCache(CacheCoherence coherence, L2Cache l2, ReadSpans spans, MeterRegistry registry) {
        this.coherence = coherence;
        this.l2 = l2;
        this.hotKeys = coherence.hotKeys();
        this.spans = spans;
        this.l1Hits = requests(registry, "l1", "hit");
        this.l1Misses = requests(registry, "l1", "miss");
        this.l2Hits = requests(registry, "l2", "hit");
        this.l2Misses = requests(registry, "l2", "miss");
        this.loads = Counter.builder("catalog.store.loads").description("Loads from DynamoDB on a cache miss")
                .register(registry);
        this.consistentReloads = Counter.builder("catalog.store.consistent.reloads")
                .description("Loads repeated strongly consistent because the first came back older than known")
                .register(registry);
        this.consistentLoads = Counter.builder("catalog.store.consistent.loads")
                .description("Loads read strongly consistent because this pod could not vouch for recent writes yet"
                        + " (it started, or its feed had a gap, less than the eventual lag ago; or its feed is down)")
                .register(registry);
        this.refreshes = Counter.builder("catalog.cache.refreshes")
                .description("L2 entries recomputed in the background shortly before they expire").register(registry);
    }

    private static Counter requests(MeterRegistry registry, String tier, String result) {
        return Counter.builder("catalog.cache.requests").tag("tier", tier).tag("result", result)
                .description("Cache lookups per tier").register(registry);
    }

    /**
     * The value of {@code key}.
     *
     * @param l2Ttl how long L2 may keep what is loaded
     */
    public Uni<Served> get(String key, Source source, Duration l2Ttl) {
        PreparedValue hit = l1Hit(key);
        return hit != null ? Uni.createFrom().item(new Served(hit.value(), Tier.L1)) : getAfterL1Miss(key, source, l2Ttl);
    }

    /**
     * {@link #get} for a request whose L1 lookup ({@link #l1Hit}) was made already and missed (the HTTP fast path
     * made it): one load per key in flight, L2, then the source, without asking L1 (and counting) a second time.
     */
    public Uni<Served> getAfterL1Miss(String key, Source source, Duration l2Ttl) {
        return afterL1Miss(key, key, source, l2Ttl);
    }

    /**
     * As {@link #get}, for a value computed from many entries (an aggregate), whose label may pass a change it lacks
     * (a change heard with a sequence below it): a read joins only a load begun after the last change this pod heard
     * ({@link CacheCoherence#changesHeard()}), so a read sent after an acknowledgement never takes a load begun before
     * the pod heard the change. A product's version is exact, so its loads are shared whatever was heard (the floor
     * check after the load refuses an older one).
     */
    public Uni<Served> getFresh(String key, Source source, Duration l2Ttl) {
        PreparedValue hit = l1Hit(key);
        return hit != null ? Uni.createFrom().item(new Served(hit.value(), Tier.L1))
                : afterL1Miss(key, key + '@' + coherence.changesHeard(), source, l2Ttl);
    }

    private Uni<Served> afterL1Miss(String key, String flight, Source source, Duration l2Ttl) {
        hotKeys.miss(key);
        Floors floors = coherence.floors();
        Context parent = spans.on() ? spans.parent() : null;
        return flights.run(flight, () -> fetch(key, source, l2Ttl, parent))
                .chain(served -> floors.admits(served.value()) ? Uni.createFrom().item(served)
                        : fetch(key, source, l2Ttl, parent))
                .invoke(served -> floors.raise(served.value().token(), served.value().version()));
    }

    /**
     * The one L1 lookup of every read, the reactive path's and the HTTP fast path's: the entry of {@code key} if L1
     * is trusted now and its floor admits the value, else {@code null}. Counts the read for the hot keys, an L1 hit
     * or a miss (only while L1 is trusted: a bypassed L1 is not asked), and records the L1 span when tracing is on.
     */
    public PreparedValue l1Hit(String key) {
        hotKeys.read(key);
        if (!coherence.l1Trusted()) {
            return null;
        }
        PreparedValue hit = coherence.l1().prepared(key);
        if (hit != null && !coherence.floors().admits(hit.value())) {
            hit = null;
        }
        (hit != null ? l1Hits : l1Misses).increment();
        if (spans.on()) {
            spans.l1(key, hit == null ? null : hit.value());
        }
        return hit;
    }

    private Uni<Served> fetch(String key, Source source, Duration l2Ttl, Context parent) {
        long epoch = coherence.l1().epoch();
        return source.plan().chain(plan -> {
            boolean asked = askL2();
            return traced(asked ? parent : null, "l2", key,
                    asked ? l2.get(plan.l2Key()) : Uni.createFrom().<L2Cache.Hit> nullItem(),
                    h -> h == null || h.isMarker() || !coherence.floors().admits(h.value()) ? null : h.value())
                    .chain(hit -> {
                        if (hit != null && hit.isMarker()) {
                            // a product's marker: its value is at least this new (products are keyed by their token)
                            coherence.floors().raise(key, hit.marker());
                        } else if (hit != null && coherence.floors().admits(hit.value())) {
                            l2Hits.increment();
                            coherence.l1().put(key, hit.value(), epoch);
                            if (hit.ttlMillis() >= 0 && hit.ttlMillis() < l2Ttl.toMillis() * REFRESH_AHEAD) {
                                refresh(source, plan, l2Ttl);
                            }
                            return Uni.createFrom().item(new Served(hit.value(), Tier.L2));
                        }
                        if (asked) {
                            l2Misses.increment();
                        }
                        return traced(parent, "store", key, load(source, plan), value -> value)
                                .call(value -> l2.put(plan.l2Key(), value, l2Ttl))
                                .invoke(value -> coherence.l1().put(key, value, epoch))
                                .map(value -> new Served(value, Tier.MISS));
                    });
        });
    }

    /**
     * Whether a read asks L2: only while the feed is trusted. L2 moves to a new key space with each Redis
     * incarnation (a restart with empty data, a failover: {@code events.RedisIdentity}), which a pod learns in its feed's
     * rounds; a pod that stalled or lost its feed may still be in the key space of an incarnation that has ended, where
     * the relay's markers written since are not, and an entry loaded since may be older than a write acknowledged while
     * it did not listen (seen by the fault run: a pod frozen across a Redis restart answered from L2 the version before
     * one acknowledged 0.6 s earlier). Until its feed is trusted again, which takes a round that checked Redis' identity
     * ({@code events.FeedConsumer}), it reads the store, strongly consistent ({@link CacheCoherence#eventualReadsSafe}).
     * A read not asked is neither traced nor counted as an L2 miss.
     */
    private boolean askL2() {
        return l2.enabled() && coherence.feedTrusted();
    }

    /** {@code step} inside the span of {@code tier} when tracing is on; {@code served} says what it answered. */
    private <T> Uni<T> traced(Context parent, String tier, String key, Uni<T> step,
            Function<T, CachedValue> served) {
        if (parent == null) {
            return step;
        }
        return Uni.createFrom().deferred(() -> {
            Span span = spans.start(parent, tier, key);
            return step.invoke(result -> ReadSpans.end(span, served.apply(result)))
                    .onFailure().invoke(failure -> {
                        span.recordException(failure);
                        span.end();
                    });
        });
    }

    /**
     * Loads from the source: eventually consistent while this pod can vouch for the writes an eventually consistent
     * read may miss ({@link CacheCoherence#eventualReadsSafe}), else strongly consistent. A value older than its floor
     * is reloaded strongly consistent from a new plan (an aggregate's generation is read again), and what that read
     * returns is the token's newest version: it is {@link Floors#confirm confirmed}, which also re-admits a token whose
     * floor was evicted.
     */
    private Uni<CachedValue> load(Source source, Source.Plan plan) {
        loads.increment();
        Floors floors = coherence.floors();
        boolean consistent = !coherence.eventualReadsSafe();
        if (consistent) {
            consistentLoads.increment();
        }
        return plan.load().apply(consistent).chain(value -> {
            if (floors.admits(value)) {
                return Uni.createFrom().item(value);
            }
            consistentReloads.increment();
            long mark = floors.lowWater();
            return source.plan().chain(fresh -> fresh.load().apply(true))
                    .invoke(fresh -> floors.confirm(fresh.token(), fresh.version(), mark));
        });
    }

    /**
     * Recomputes an L2 entry that is about to expire, in the background, once per key in the pod: the entry is
     * still correct (its version is admitted), so readers keep getting it instead of all missing at once when it
     * expires (stale-while-revalidate for the shared tier).
     */
    private void refresh(Source source, Source.Plan plan, Duration l2Ttl) {
        refreshes.increment();
        flights.run("refresh:" + plan.l2Key(), () -> load(source, plan).call(value -> l2.put(plan.l2Key(), value, l2Ttl))
                .map(value -> new Served(value, Tier.MISS)))
                .subscribe().with(served -> {
                }, failure -> {
                });
    }

    /** Loads in flight, for tests. */
    int inFlight() {
        return flights.inFlight();
    }
}
