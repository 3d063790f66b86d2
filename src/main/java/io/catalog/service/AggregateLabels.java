package io.catalog.service;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CachedValue;
import io.catalog.cache.L2Cache;
import io.catalog.cache.Served;
import io.catalog.config.CatalogConfig;
import io.catalog.support.LuaScripts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * The {@code X-Cache-Version} of pages and category summaries: one body per version, on every pod (API.md 3; issue
 * 20's path 8). A page's version as computed, the newest sequence among what it shows, can stay where it was while its
 * body changes: concurrent writers on different pods take sequences from their own blocks, so a change can be
 * appended after one with a higher sequence, and a page that takes it in keeps its version. So the label served is
 * issued through Redis: per page (listing, size, cursor) and per summary, a hash of the labels issued and the
 * {@code ETag} of the one body each names. A body is served under the lowest label from its computed version up that
 * names it already or names nothing yet (then recorded for it); one script call ({@code lua/aggregate-label.lua}).
 * <ul>
 * <li><em>One body per label</em>: a label is recorded for one body, and every pod asks the same hash.</li>
 * <li><em>A body that takes in more changes gets a higher label</em>: its computed version is at least the other's,
 * and every label from there up to the other's label names another body or the other.</li>
 * <li><em>Not ordered</em>: two bodies with the same computed version, one missing a change the other shows (a pod
 * whose feed has not applied it yet, before the write's acknowledgement), are labelled in the order they were first
 * asked for, so the older body can carry the higher label.</li>
 * </ul>
 * This pod remembers, per page and summary, the last body it asked for and its label ({@link #REMEMBERED}, far
 * within the hash's {@link #RETENTION}), so a read whose body did not change costs no Redis call. The label is only
 * what the response shows: the cache tiers, floors and stand-ins keep the computed version. When Redis does not
 * answer (down, a timeout, an incarnation not known yet) the computed version is served, counted in {@code
 * catalog.aggregates.labels{result=unissued}}; what is not covered then (and after the hash is lost: a Redis restart, a
 * failover, its retention) is counted by {@link VersionRepeats}.
 */
@ApplicationScoped
public class AggregateLabels {

    /** How long a page's or summary's labels are kept after their last use. */
    static final Duration RETENTION = Duration.ofMinutes(10);
    /** How long this pod serves a label it was given without asking again: far within {@link #RETENTION}. */
    static final Duration REMEMBERED = Duration.ofMinutes(1);
    static final long MAXIMUM_SIZE = 10_000;
    /** Labels kept per page or summary (the lowest are dropped past twice as many). */
    static final int KEPT = 512;
    /** Labels above the computed version naming other bodies, past which the computed version is served. */
    static final int MOST_WALKED = 64;

    private static final String SCRIPT = LuaScripts.load("aggregate-label");

    /** What this pod was given: the body's computed version and {@code ETag}, and its label. */
    private record Labelled(long computed, String etag, long label) {
    }

    private final ReactiveRedisDataSource redis;
    private final L2Cache l2;
    private final Duration timeout;
    private final Cache<String, Labelled> remembered;
    private final Counter issued;
    private final Counter unissued;

    @Inject
    public AggregateLabels(ReactiveRedisDataSource redis, L2Cache l2, CatalogConfig config, MeterRegistry registry) {
        this(redis, l2, config.l2().timeout(), registry, Ticker.systemTicker());
    }

    AggregateLabels(ReactiveRedisDataSource redis, L2Cache l2, Duration timeout, MeterRegistry registry,
            Ticker ticker) {
        this.redis = redis;
        this.l2 = l2;
        this.timeout = timeout;
        this.remembered = Caffeine.newBuilder().ticker(ticker).maximumSize(MAXIMUM_SIZE)
                .expireAfterWrite(REMEMBERED).build();
        this.issued = counter(registry, "issued");
        this.unissued = counter(registry, "unissued");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("catalog.aggregates.labels").tag("result", result)
                .description("Labels (X-Cache-Version) of pages and summaries asked of Redis: issued, or unissued"
                        + " (Redis did not answer: the computed version was served)")
                .register(registry);
    }

    /** A page ({@code key}: its listing, size and cursor) about to be served, under its label. */
    public Uni<Served> page(String key, Served served) {
        return label("p:" + key, served);
    }

    /** A category's summary about to be served, under its label. */
    public Uni<Served> summary(String category, Served served) {
        return label("s:" + category, served);
    }

    private Uni<Served> label(String key, Served served) {
        CachedValue value = served.value();
        if (!value.exists()) {
            return Uni.createFrom().item(served);
        }
        Labelled known = remembered.getIfPresent(key);
        if (known != null && known.computed() == value.version() && known.etag().equals(value.etag())) {
            return Uni.createFrom().item(labelled(served, known.label()));
        }
        if (!l2.enabled() || !l2.ready()) {
            unissued.increment();
            return Uni.createFrom().item(served);
        }
        return redis.execute("EVAL", SCRIPT, "1", l2.keyOf("{label:" + key + "}"), Long.toString(value.version()),
                value.etag(), Long.toString(RETENTION.toMillis()), Integer.toString(KEPT),
                Integer.toString(MOST_WALKED))
                .ifNoItem().after(timeout).fail()
                .map(reply -> {
                    long label = reply.toLong();
                    if (label < value.version()) {
                        unissued.increment();
                        return served;
                    }
                    issued.increment();
                    remembered.put(key, new Labelled(value.version(), value.etag(), label));
                    return labelled(served, label);
                })
                .onFailure().recoverWithItem(() -> {
                    unissued.increment();
                    return served;
                });
    }

    private static Served labelled(Served served, long label) {
        CachedValue v = served.value();
        if (label == v.version()) {
            return served;
        }
        return new Served(new CachedValue(v.body(), v.etag(), label, v.token(), v.surrogateKeys(), v.cacheable()),
                served.tier(), served.standsIn());
    }
}
