package io.catalog.service;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CachedValue;
import io.catalog.cache.L2Cache;
import io.catalog.cache.Served;
import io.catalog.config.CatalogConfig;
import io.catalog.store.Sequences;
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
 * issued through Redis: per page (listing, size, cursor) and per summary, a hash of the label each body (its {@code
 * ETag}) was given, and the highest label issued. One script call ({@code lua/aggregate-label.lua}) gives a body
 * <ul>
 * <li>the label it was given before, on any pod;</li>
 * <li>else its computed version, when that is above every label issued;</li>
 * <li>else a sequence this pod reserves above the highest label issued ({@link Sequences#above}, from its block: no
 * call to the counter as a rule), in a second call.</li>
 * </ul>
 * Every label is a sequence handed out once (an event's, a generation's, or one reserved as a label), and a new label
 * is above every label issued before it. So a label names one body, and a body that takes in more changes than one
 * already labelled gets a higher label. Not an order: two bodies that do not include each other (a pod whose feed has
 * not applied a change yet, before the write's acknowledgement) are labelled in the order they were first asked for,
 * so the older body can carry the higher label, until the next change.
 * <p>
 * <b>A hash Redis lost</b> (restarted empty, failed over, unused for {@link #RETENTION}) must not give a label again:
 * a new hash starts from a <em>base</em>, a sequence reserved from the counter ({@link Sequences#fresh}), above every
 * sequence handed out before it and so above every label issued before. This pod takes one when a new hash needs a
 * base and its own is older than {@link #BASE_LIFE} (far within {@link #RETENTION}: a hash lost to its retention
 * issued its labels before) or was taken in another Redis incarnation: one counter call per pod per minute at most.
 * <p>
 * This pod remembers, per page and summary, the last body it asked for and its label ({@link #REMEMBERED}), so a read
 * whose body did not change costs no Redis call. The label is only what the response shows: the cache tiers, floors
 * and stand-ins keep the computed version. When Redis or the counter does not answer, or Redis' incarnation is not
 * known yet, the computed version is served, counted in {@code catalog.aggregates.labels{result=unissued}}. A pod that
 * has not noticed yet that Redis restarted asks in the ended incarnation's key space, apart from the others, until its
 * feed notices (a round). {@link VersionRepeats} counts what was served twice under one version.
 */
@ApplicationScoped
public class AggregateLabels {

    /** How long a page's or summary's labels are kept after their last use. */
    static final Duration RETENTION = Duration.ofMinutes(10);
    /** How long this pod serves a label it was given without asking again: far within {@link #RETENTION}. */
    static final Duration REMEMBERED = Duration.ofMinutes(1);
    static final long MAXIMUM_SIZE = 10_000;
    /** Bodies whose labels are kept per page or summary (the lowest labels are dropped past twice as many). */
    static final int KEPT = 512;
    /** Script calls for one label, past which the computed version is served (pods racing for the next label). */
    static final int ATTEMPTS = 4;
    /** How long a base taken from the counter serves new hashes. */
    static final Duration BASE_LIFE = Duration.ofMinutes(1);

    private static final String SCRIPT = LuaScripts.load("aggregate-label");

    /** What this pod was given: the body's computed version and {@code ETag}, and its label. */
    private record Labelled(long computed, String etag, long label) {
    }

    /** A base for new hashes, taken in the Redis incarnation whose key space is {@code space}, at {@code taken}. */
    private record Base(String space, long value, long taken) {
    }

    private final ReactiveRedisDataSource redis;
    private final L2Cache l2;
    private final Sequences sequences;
    private final Ticker ticker;
    private final Duration timeout;
    private volatile Base base;
    private final AtomicReference<Uni<Long>> taking = new AtomicReference<>();
    private final Cache<String, Labelled> remembered;
    private final Counter issued;
    private final Counter unissued;

    @Inject
    public AggregateLabels(ReactiveRedisDataSource redis, L2Cache l2, Sequences sequences, CatalogConfig config,
            MeterRegistry registry) {
        this(redis, l2, sequences, config.l2().timeout(), registry, Ticker.systemTicker());
    }

    AggregateLabels(ReactiveRedisDataSource redis, L2Cache l2, Sequences sequences, Duration timeout,
            MeterRegistry registry, Ticker ticker) {
        this.redis = redis;
        this.l2 = l2;
        this.sequences = sequences;
        this.ticker = ticker;
        this.timeout = timeout;
        this.remembered = Caffeine.newBuilder().ticker(ticker).maximumSize(MAXIMUM_SIZE)
                .expireAfterWrite(REMEMBERED).build();
        this.issued = counter(registry, "issued");
        this.unissued = counter(registry, "unissued");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("catalog.aggregates.labels").tag("result", result)
                .description("Labels (X-Cache-Version) of pages and summaries asked of Redis: issued, or unissued"
                        + " (Redis or the counter did not answer: the computed version was served)")
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
        String space = l2.keyOf("");
        return labelOf(key, value, space, currentBase(space), 0, 1)
                .map(label -> {
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

    /**
     * The label of {@code value}: a script call, then another with a base ({@code -2}: a new hash) or with a sequence
     * reserved above the highest label issued ({@code -3}); -1 past {@link #ATTEMPTS}.
     */
    private Uni<Long> labelOf(String key, CachedValue value, String space, long base, long reserved, int attempt) {
        return redis.execute("EVAL", SCRIPT, "1", l2.keyOf("{label:" + key + "}"), Long.toString(value.version()),
                value.etag(), Long.toString(RETENTION.toMillis()), Integer.toString(KEPT), Long.toString(base),
                Long.toString(reserved))
                .ifNoItem().after(timeout).fail()
                .chain(reply -> {
                    long first = reply.get(0).toLong();
                    if (first >= 0) {
                        return Uni.createFrom().item(first);
                    }
                    if (attempt >= ATTEMPTS) {
                        return Uni.createFrom().item(-1L);
                    }
                    if (first == -2) {
                        return takeBase(space).chain(taken -> labelOf(key, value, space, taken, reserved, attempt + 1));
                    }
                    return sequences.above(reply.get(1).toLong()).ifNoItem().after(timeout).fail()
                            .chain(label -> labelOf(key, value, space, base, label, attempt + 1));
                });
    }

    /** This pod's base, when it was taken in this incarnation within {@link #BASE_LIFE}; else 0. */
    private long currentBase(String space) {
        Base current = base;
        return current != null && current.space().equals(space)
                && ticker.read() - current.taken() < BASE_LIFE.toNanos() ? current.value() : 0;
    }

    /**
     * A new base: a sequence reserved from the counter now, above every sequence handed out before. One taking at a
     * time; it goes on past a read's timeout, and the next read uses it.
     */
    private Uni<Long> takeBase(String space) {
        Uni<Long> pending = taking.get();
        if (pending == null) {
            long taken = ticker.read();
            Uni<Long> started = sequences.fresh().invoke(value -> base = new Base(space, value, taken))
                    .onTermination().invoke(() -> taking.set(null)).memoize().indefinitely();
            if (taking.compareAndSet(null, started)) {
                started.subscribe().with(value -> {
                }, failure -> {
                }); // the reads waiting for it are told by the memoized answer
                pending = started;
            } else {
                Uni<Long> other = taking.get();
                pending = other != null ? other : started;
            }
        }
        return pending.ifNoItem().after(timeout).fail();
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
