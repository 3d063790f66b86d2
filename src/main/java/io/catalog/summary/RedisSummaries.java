package io.catalog.summary;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.catalog.cache.L2Cache;
import io.catalog.config.CatalogConfig;
import io.catalog.model.SummaryState;
import io.catalog.support.LuaScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Category summaries kept in Redis and maintained incrementally, one structure per category under one hash tag
 * ({@code {sum:<category>}}, so that one Lua script can touch all of it on Redis Cluster), in L2's key space (after
 * a failover it starts over, as L2 does):
 * <ul>
 * <li>{@code :prices}, a sorted set product id -> price in minor units (exact integers): min and max are its ends;</li>
 * <li>{@code :seqs}, a hash product id -> sequence of the newest event applied to that product <em>in this
 * category</em>, kept after the product left (a tombstone), so that a duplicated or re-ordered older event is
 * ignored;</li>
 * <li>{@code :meta}, a hash of {@code n} (count), {@code s} (sum in minor units), {@code v} (version) and, while a
 * repair may still miss what the index had not shown it, {@code u} (until when, Redis time in ms).</li>
 * </ul>
 * {@link #apply} applies changes atomically: a change older than (or as old as) the product's applied sequence is
 * ignored; the others upsert or remove the product, adjust count and sum and raise the version. A change that
 * alters the content but is older than the current version (events published out of order by two relays) would
 * change the content under an unchanged label: the script then changes nothing and asks for a relabel, and the
 * caller calls again with a freshly reserved sequence that becomes the version. Without a structure (never built,
 * lost with Redis' data, evicted), changes are only recorded, for a repair to merge ({@link #repair}: the same
 * per-product rule, every state read from the store; the version is the repair's reserved sequence).
 */
@ApplicationScoped
public class RedisSummaries {

    /** How long a structure lives without a change or a repair; an empty one lives as long as an L2 aggregate. */
    static final Duration RETENTION = Duration.ofDays(1);

    private static final String PRELUDE = LuaScripts.load("summary/prelude");

    /**
     * ARGV: mode ({@code e} event, {@code r} repair), label (event: 0 or a relabel; repair: its reserved
     * sequence), ttl ms, settle ms, empty ttl ms, the settle deadline this repair ends (or 0), then per change:
     * product id, sequence, price in minor units or {@code -} (not in this category).
     */
    static final String APPLY = PRELUDE + LuaScripts.load("summary/apply");

    static final String READ = PRELUDE + LuaScripts.load("summary/read");

    private final ReactiveRedisDataSource redis;
    private final L2Cache l2;
    private final Duration timeout;
    private final Duration emptyTtl;

    @Inject
    public RedisSummaries(ReactiveRedisDataSource redis, L2Cache l2, CatalogConfig config) {
        this(redis, l2, config.l2().timeout(), config.l2().aggregateTtl());
    }

    RedisSummaries(ReactiveRedisDataSource redis, L2Cache l2, Duration timeout, Duration emptyTtl) {
        this.redis = redis;
        this.l2 = l2;
        this.timeout = timeout;
        this.emptyTtl = emptyTtl;
    }

    /** A change of one product as seen by one category: its new price there, or {@code null} when not there. */
    public record Change(String productId, long sequence, Long priceMinor) {
    }

    /** What a script did. */
    public enum Status {
        /** applied (or, for a repair, merged or built) */
        APPLIED,
        /** every change was already applied */
        DUPLICATE,
        /** read: the structure is there */
        OK,
        /** there is no structure: changes were only recorded for a repair to merge */
        MISSING,
        /** a change arrived late: call again with a sequence reserved above {@link Outcome#needed()} */
        RELABEL
    }

    /**
     * @param state the summary after the script (with {@link Status#APPLIED}, {@link Status#DUPLICATE},
     *        {@link Status#OK}), else {@code null}
     * @param settleUntil Redis time (ms) until which a repaired structure may miss what the index had not shown,
     *        or 0
     * @param now Redis time (ms) when the script ran
     * @param needed with {@link Status#RELABEL}, the version a relabel must exceed
     */
    public record Outcome(Status status, SummaryState state, long settleUntil, long now, long needed) {

        /** Whether a repair may still have missed something. */
        public boolean settling() {
            return settleUntil > 0;
        }

        /** Whether it may have, and is settled now: a second repair pass is due. */
        public boolean due() {
            return settleUntil > 0 && now >= settleUntil;
        }
    }

    /** Applies one category's share of a batch of events, oldest first; {@code relabel} 0 or a fresh sequence. */
    public Uni<Outcome> apply(String category, List<Change> changes, long relabel) {
        return run(APPLY, category, script("e", relabel, 0, 0, changes));
    }

    /**
     * Merges states read from the store (each product's current state as seen by this category, at its sequence)
     * under the repair's reserved sequence; builds the structure when there is none, then settling for
     * {@code settle}. {@code ending} is the settle deadline this pass ends (0 for none).
     */
    public Uni<Outcome> repair(String category, List<Change> states, long reserved, Duration settle, long ending) {
        return run(APPLY, category, script("r", reserved, settle.toMillis(), ending, states));
    }

    /** The summary held in Redis (one script call). */
    public Uni<Outcome> read(String category) {
        return run(READ, category, List.of()).ifNoItem().after(timeout).fail();
    }

    /** The ids of the products the structure holds (for a repair to verify them). */
    public Uni<List<String>> members(String category) {
        return redis.execute("ZRANGE", keys(category).get(0), "0", "-1")
                .map(r -> {
                    List<String> ids = new ArrayList<>();
                    r.forEach(id -> ids.add(id.toString()));
                    return ids;
                });
    }

    /** Claims a category's scheduled repair for {@code period} (one pod at a time); false when another pod has it. */
    public Uni<Boolean> claimRepair(String category, Duration period) {
        return redis.execute("SET", base(category) + ":repair", "1", "NX", "PX", Long.toString(period.toMillis()))
                .map(r -> r != null);
    }

    private List<String> script(String mode, long label, long settleMillis, long ending, List<Change> changes) {
        List<String> args = new ArrayList<>(List.of(mode, Long.toString(label), Long.toString(RETENTION.toMillis()),
                Long.toString(settleMillis), Long.toString(emptyTtl.toMillis()), Long.toString(ending)));
        for (Change c : changes) {
            args.add(c.productId());
            args.add(Long.toString(c.sequence()));
            args.add(c.priceMinor() == null ? "-" : Long.toString(c.priceMinor()));
        }
        return args;
    }

    private Uni<Outcome> run(String script, String category, List<String> argv) {
        List<String> args = new ArrayList<>(List.of(script, "3"));
        args.addAll(keys(category));
        args.addAll(argv);
        return redis.execute("EVAL", args.toArray(String[]::new)).map(r -> outcome(category, r));
    }

    private String base(String category) {
        return l2.keyOf("{sum:" + category + "}");
    }

    /** The structure's keys (prices, sequences, counters), for inspection and tests. */
    public List<String> keys(String category) {
        String base = base(category);
        return List.of(base + ":prices", base + ":seqs", base + ":meta");
    }

    static Outcome outcome(String category, Response reply) {
        String status = reply.get(0).toString();
        switch (status) {
            case "missing":
                return new Outcome(Status.MISSING, null, 0, 0, 0);
            case "relabel":
                return new Outcome(Status.RELABEL, null, 0, 0, number(reply, 1));
            default:
                SummaryState state = new SummaryState(category, number(reply, 1), number(reply, 2), number(reply, 3),
                        number(reply, 4), number(reply, 5));
                Status kind = status.equals("ok") ? Status.OK
                        : status.equals("duplicate") ? Status.DUPLICATE : Status.APPLIED;
                return new Outcome(kind, state, number(reply, 6), number(reply, 7), 0);
        }
    }

    private static long number(Response reply, int index) {
        Response r = reply.get(index);
        if (r == null) {
            return 0;
        }
        String text = r.toString();
        // scores come back as Redis formats doubles; integral ones are plain digits
        return text.indexOf('.') < 0 && text.indexOf('e') < 0 ? Long.parseLong(text) : (long) Double.parseDouble(text);
    }
}
