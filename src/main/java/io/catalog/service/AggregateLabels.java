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
import io.catalog.support.Futures;
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
 * <li>the label it was given before, on any pod (unless below its computed version);</li>
 * <li>else its computed version, when that is above every label issued;</li>
 * <li>else a sequence this pod reserves above the highest label issued ({@link Sequences#above}, from its block: no
 * call to the counter as a rule), in a second call.</li>
 * </ul>
 * A new label is above every label the hash issued before, so a label names one body, and a body that takes in more
 * changes than one already labelled gets a higher label. Not an order: a body first asked for after another gets the
 * higher label, whichever includes more (a pod whose feed has not applied a change yet shows the older body, before
 * the write's acknowledgement), until the next change.
 * <p>
 * <b>A hash Redis lost</b> (restarted empty, failed over, evicted, unused for {@link #RETENTION}) must not give a label
 * again: a new hash starts from a <em>base</em>, a sequence reserved from the counter ({@link Sequences#fresh}) by a
 * call that started after the script found the hash missing, so above every sequence handed out before that, and so
 * above every label the lost hash issued. Reads that find hashes missing while such a call has not started yet share
 * it: one counter call per new hash at most, fewer in a burst (after a restart).
 * <p>
 * When Redis does not give a label (down, a timeout, its incarnation not known yet, pods racing past {@link
 * #ATTEMPTS}), the body is served under a sequence this pod reserves above its computed version ({@link
 * Sequences#above}, from its block): handed out once, so it names this body only, though not in order with the labels
 * Redis issued ({@code catalog.aggregates.labels{result=unrecorded}}); only when that fails too, the computed version
 * ({@code result=computed}), which {@link VersionRepeats} counts if it was served before with another body. A pod
 * that has not noticed yet that Redis restarted asks in the ended incarnation's key space, apart from the others,
 * until its feed notices (a round).
 * <p>
 * This pod remembers, per page and summary, the last body it served and its label ({@link #REMEMBERED} after the last
 * read), so a read whose body did not change costs no Redis call. A label once given names that body only, so it
 * stays good. The label is only what the response shows: the cache tiers, floors and stand-ins keep the computed
 * version.
 */
@ApplicationScoped
public class AggregateLabels {

    /** How long a page's or summary's labels are kept after their last use. */
    static final Duration RETENTION = Duration.ofMinutes(10);
    /** How long after its last read this pod remembers a body's label. */
    static final Duration REMEMBERED = Duration.ofMinutes(10);
    static final long MAXIMUM_SIZE = 10_000;
    /** Bodies whose labels are kept per page or summary (the lowest labels are dropped past twice as many). */
    static final int KEPT = 512;
    /** Script calls for one label, past which the computed version is served (pods racing for the next label). */
    static final int ATTEMPTS = 4;
    /** The longest a label may take from Redis before the body is served under a label of this pod's own. */
    static final Duration REDIS_WAIT = Duration.ofSeconds(1);
    /** The longest a sequence of this pod's (a block from the counter, rarely) may take. */
    static final Duration SEQUENCE_WAIT = Duration.ofSeconds(1);
    /** After a counter call for a base failed, how long reads needing one do without (no call per read). */
    static final Duration BASE_RETRY = Duration.ofSeconds(1);

    private static final String SCRIPT = LuaScripts.load("aggregate-label");

    /** What this pod was given: the body's computed version and {@code ETag}, and its label. */
    private record Labelled(long computed, String etag, long label) {
    }

    /** A counter call for a base, started at {@code started} (this pod's ticker). */
    private record BaseCall(long started, Uni<Long> value) {
    }

    private final ReactiveRedisDataSource redis;
    private final L2Cache l2;
    private final Sequences sequences;
    private final Ticker ticker;
    private final Duration timeout;
    private final AtomicReference<BaseCall> lastBase = new AtomicReference<>();
    private volatile long baseFailedAt = -1;
    private final Cache<String, Labelled> remembered;
    private final Counter issued;
    private final Counter unrecorded;
    private final Counter computed;

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
                .expireAfterAccess(REMEMBERED).build();
        this.issued = counter(registry, "issued");
        this.unrecorded = counter(registry, "unrecorded");
        this.computed = counter(registry, "computed");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("catalog.aggregates.labels").tag("result", result)
                .description("Labels (X-Cache-Version) of new bodies of pages and summaries: issued through Redis,"
                        + " unrecorded (Redis did not give one: a sequence of this pod's), or computed (neither"
                        + " answered: the computed version was served)")
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
            return unrecorded(key, served);
        }
        return labelOf(key, value, 0, 0, 1).ifNoItem().after(REDIS_WAIT).fail()
                .onFailure().recoverWithItem(-1L)
                .chain(label -> {
                    if (label < value.version()) {
                        return unrecorded(key, served);
                    }
                    issued.increment();
                    return Uni.createFrom().item(remember(key, served, label));
                });
    }

    /**
     * The label of {@code value}: a script call, then another with a base ({@code -2}: a new hash) or with a sequence
     * reserved above the highest label issued ({@code -3}); -1 past {@link #ATTEMPTS}.
     */
    private Uni<Long> labelOf(String key, CachedValue value, long base, long reserved, int attempt) {
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
                        return baseAfter(ticker.read())
                                .chain(taken -> labelOf(key, value, taken, reserved, attempt + 1));
                    }
                    return sequences.above(reply.get(1).toLong()).ifNoItem().after(SEQUENCE_WAIT).fail()
                            .chain(label -> labelOf(key, value, 0, label, attempt + 1));
                });
    }

    /**
     * A base for a hash found missing at {@code missing} (this pod's ticker): from a counter call that started then or
     * later, so above every sequence handed out before the hash was found missing. The last call is shared by the
     * reads that found their hash missing before it started; one that fails is not tried again for {@link
     * #BASE_RETRY}.
     */
    private Uni<Long> baseAfter(long missing) {
        BaseCall last = lastBase.get();
        if (last != null && last.started() >= missing) {
            return last.value();
        }
        long failed = baseFailedAt;
        if (failed >= 0 && ticker.read() - failed < BASE_RETRY.toNanos()) {
            return Uni.createFrom().failure(new IllegalStateException("the sequence counter failed just now"));
        }
        long started = ticker.read();
        Uni<Long> value = sequences.fresh().ifNoItem().after(SEQUENCE_WAIT).fail()
                .onFailure().invoke(() -> baseFailedAt = ticker.read())
                .memoize().indefinitely();
        BaseCall call = new BaseCall(started, value);
        if (!lastBase.compareAndSet(last, call)) {
            BaseCall other = lastBase.get();
            if (other != null && other.started() >= missing) {
                return other.value();
            }
        }
        // runs to its end even if the read that started it gives up
        return Futures.started(value);
    }

    /**
     * The body under a sequence this pod reserves above its computed version (Redis gave no label): handed out once,
     * so it names this body only; the computed version when that fails too.
     */
    private Uni<Served> unrecorded(String key, Served served) {
        CachedValue value = served.value();
        return sequences.above(value.version()).ifNoItem().after(SEQUENCE_WAIT).fail()
                .map(label -> {
                    unrecorded.increment();
                    return remember(key, served, label);
                })
                .onFailure().recoverWithItem(() -> {
                    computed.increment();
                    return served;
                });
    }

    private Served remember(String key, Served served, long label) {
        CachedValue value = served.value();
        remembered.put(key, new Labelled(value.version(), value.etag(), label));
        return labelled(served, label);
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
