package io.catalog.service;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.PreparedValue;
import io.catalog.cache.Served;
import io.catalog.cache.SingleFlight;
import io.catalog.cache.Tier;
import io.catalog.cache.TieredCache;
import io.catalog.config.CatalogConfig;
import io.catalog.events.RedisIdentity;
import io.catalog.model.CategorySummary;
import io.catalog.model.Keys;
import io.catalog.model.Product;
import io.catalog.model.SummaryState;
import io.catalog.model.SurrogateKeys;
import io.catalog.store.CounterStore;
import io.catalog.store.ProductStore;
import io.catalog.store.StoreUnavailable;
import io.catalog.store.StoredProduct;
import io.catalog.store.Tables;
import io.catalog.summary.RedisSummaries;
import io.catalog.summary.RedisSummaries.Change;
import io.catalog.summary.RedisSummaries.Outcome;
import io.catalog.summary.RedisSummaries.Status;
import io.catalog.summary.SummaryCoherence;
import io.catalog.summary.SummaryMaintainer;
import io.catalog.support.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * (Longer than most classes here: the read path and the repair share the trust, floor and relabel rules, which split
 * in two would have to be passed back and forth.)
 * <p>
 * Category summaries read from what Redis maintains ({@link RedisSummaries}, {@link SummaryMaintainer}): L1 (kept up
 * to date by the events, {@link SummaryCoherence}), then the Redis structure (one script call: an L2 hit), and only
 * when Redis has no structure for the category (restarted, failed over, evicted, never built) a <b>repair</b>, a full
 * recomputation from the store:
 * <ol>
 * <li>query the category's index, and read every product it names and every product the structure holds strongly
 * consistent (the index may be behind: this corrects its stale entries and the structure's drift);</li>
 * <li>reserve a fresh sequence, the repaired summary's version: above every version served before (an empty
 * category takes its membership generation instead, so that reads of invented categories reserve nothing);</li>
 * <li>merge into Redis under the rule of the events (per product, the newer sequence wins), so a repair racing
 * with the relay loses nothing the relay applied.</li>
 * </ol>
 * What a repair cannot see is a product that joined the category so recently that the index does not show it yet
 * and whose event Redis lost: so a summary built by a repair is served but not cached for
 * {@code catalog.cache.index-settle}, and once that has passed the next read starts a second pass that merges again
 * (by then the index shows everything written before the loss was noticed). Repairs also run on a schedule
 * ({@code catalog.summaries.repair-interval}, one pod a category via a Redis claim), never per change.
 * <p>
 * While this pod knows of a change that Redis may not include yet (its relay is publishing it, or failed to), or when
 * Redis fails, the summary is computed from the store and not cached. While its feed is not trusted (it may not have
 * seen Redis restart or fail over), it reads Redis only after checking which incarnation Redis is.
 */
@ApplicationScoped
public class SummaryReads {

    private static final Logger LOG = Logger.getLogger(SummaryReads.class);
    static final int MAX_RELABELS = 5;
    static final long MAXIMUM_KNOWN = 10_000;

    private final LastServed lastServed;
    private final RedisSummaries redis;
    private final SummaryCoherence local;
    private final CacheCoherence coherence;
    private final ProductStore products;
    private final CounterStore counters;
    private final Json json;
    private final ScheduledExecutorService scheduler;
    private final String currency;
    private final Duration settle;
    private final Duration interval;
    private final SingleFlight<Served> flights = new SingleFlight<>();
    private final SingleFlight<Outcome> repairsInFlight = new SingleFlight<>();
    private final Cache<String, Boolean> known;
    private final TieredCache tiers;
    private final ListingMembers members;
    private final SummaryMeters meters;
    private final RedisIdentity identity;
    private ScheduledFuture<?> schedule;

    public SummaryReads(RedisSummaries redis, SummaryCoherence local, CacheCoherence coherence, TieredCache tiers,
            ProductStore products, CounterStore counters, Json json, ScheduledExecutorService scheduler,
            CatalogConfig config, ListingMembers members, RedisIdentity identity, MeterRegistry registry) {
        this.members = members;
        this.identity = identity;
        this.redis = redis;
        this.tiers = tiers;
        this.local = local;
        this.coherence = coherence;
        this.lastServed = new LastServed(coherence);
        this.products = products;
        this.counters = counters;
        this.json = json;
        this.scheduler = scheduler;
        this.currency = config.currency();
        this.settle = config.cache().indexSettle();
        this.interval = config.summaries().repairInterval();
        this.known = Caffeine.newBuilder().maximumSize(MAXIMUM_KNOWN).expireAfterWrite(interval.multipliedBy(3))
                .build();
        this.meters = new SummaryMeters(registry);
    }

    /** Repairs, every {@code catalog.summaries.repair-interval}, the summaries this pod served lately (none else). */
    void onStart(@Observes StartupEvent event) {
        long millis = interval.toMillis();
        long first = millis + ThreadLocalRandom.current().nextLong(millis / 10 + 1);
        schedule = scheduler.scheduleWithFixedDelay(this::repairKnown, first, millis, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    /**
     * The summary of {@code category}: L1, Redis, or a repair; while the store hangs, what this pod last served of it
     * ({@link LastServed}).
     */
    public Uni<Served> summary(String category) {
        String key = Keys.summary(category);
        long heardBefore = coherence.changesHeard();
        if (!local.awaited(category)) {
            // the read path's one L1 lookup: trust, floors, the hit/miss counters, hot keys, the L1 span; a hit is
            // answered at once, remembered for LastServed without its timers
            PreparedValue hit = tiers.l1Hit(key);
            if (hit != null) {
                lastServed.remember(key, hit.value(), heardBefore);
                return Uni.createFrom().item(new Served(hit.value(), Tier.L1));
            }
        }
        return lastServed.guard(key, heardBefore, Uni.createFrom().deferred(() -> read(category)));
    }

    /** The summary of {@code category} past L1: Redis, or a repair, or the store. */
    private Uni<Served> read(String category) {
        if (local.awaited(category)) {
            // computed for this read, never shared with one in flight: that one may have begun before this pod heard
            // a change acknowledged since (the fallback is rare; the store's breaker bounds it)
            return fromStore(category);
        }
        if (!coherence.feedTrusted()) {
            // this pod may have missed a restart or a failover of Redis (frozen, starved, or its feed lost) and still
            // be in the key space of an incarnation that ended, whose structures nobody keeps up: it reads Redis only
            // after a check of Redis' identity begun after this read (which moves L2 to the current incarnation),
            // and then not through a read already in flight. What the current incarnation holds is never older than
            // an acknowledged change: writers maintain it before they append the change's event, in the same
            // incarnation (RedisStreamSink)
            return identity.checkedNow().onFailure().recoverWithNull()
                    .chain(checked -> checked == null ? fromStore(category) : admitted(category, fromRedis(category)));
        }
        // one Redis read shared by the reads in flight (a computation from the store never, see above), and only by
        // reads that arrive before this pod hears another change: one begun before may have read Redis before that
        // change's summary was maintained, and the floors refuse it only when the change carried its summary
        return admitted(category, flights.run(Keys.summary(category) + '@' + coherence.changesHeard(),
                () -> fromRedis(category)));
    }

    /** {@code read}'s answer, unless the floors refuse it (then Redis once more), else the store's; raises the floor. */
    private Uni<Served> admitted(String category, Uni<Served> read) {
        return read.chain(served -> served == null ? fromStore(category)
                : coherence.floors().admits(served.value()) ? Uni.createFrom().item(served)
                        : fromRedis(category).chain(again -> again == null ? fromStore(category)
                                : Uni.createFrom().item(again)))
                .invoke(served -> coherence.floors().raise(Keys.summary(category), served.value().version()));
    }

    /** The summary from Redis (or a repair), or {@code null} when it must be computed from the store. */
    private Uni<Served> fromRedis(String category) {
        long epoch = coherence.l1().epoch();
        return redis.read(category).onFailure().recoverWithNull().chain(outcome -> {
            if (outcome == null || local.awaited(category)) {
                return Uni.createFrom().nullItem();
            }
            if (outcome.status() == Status.MISSING) {
                meters.l2Misses().increment();
                // a repair that Redis fails in the middle of is a read from the store (which fails if that is down)
                return repair(category, 0).map(repaired -> served(category, repaired, epoch, Tier.MISS))
                        .onFailure(failure -> !(failure instanceof StoreUnavailable))
                        .recoverWithNull();
            }
            if (outcome.due()) {
                repairInBackground(category, outcome.settleUntil());
            }
            Served served = served(category, outcome, epoch, Tier.L2);
            if (!coherence.floors().admits(served.value())) {
                return Uni.createFrom().nullItem();
            }
            meters.l2Hits().increment();
            return Uni.createFrom().item(served);
        });
    }

    private Served served(String category, Outcome outcome, long epoch, Tier tier) {
        CachedValue value = local.value(outcome.state());
        if (outcome.settling()) {
            value = value.uncacheable();
        }
        if (!outcome.state().empty()) {
            known.put(category, true);
        }
        if (coherence.floors().admits(value)) {
            coherence.l1().put(Keys.summary(category), value, epoch);
        }
        return new Served(value, tier);
    }

    /**
     * A summary computed from the store, not cached: the category's members as {@link ListingMembers} knows them (the
     * index corrected with the changes this pod heard, or a consistent scan), each priced by a strongly consistent
     * read, never by the eventually consistent index. Labelled with the listing's membership generation (read first;
     * the relay raises it before it publishes a join or a leave) and the sequences of the products it counts, never
     * below what this pod has served: a label that may pass a join neither the index nor this pod's feed shows yet, so
     * such a summary never stands in for a hung store ({@link LastServed}).
     */
    private Uni<Served> fromStore(String category) {
        meters.fromStore().increment();
        String token = Keys.summary(category);
        return counters.generation(Tables.membership(category)).chain(membership -> members.all(category)
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(Map.<String, StoredProduct> of())
                        : products.readConsistent(ids))
                .map(found -> {
                    List<Product> counted = found.values().stream()
                            .filter(p -> p.live() && category.equals(p.product().category()))
                            .map(StoredProduct::product).toList();
                    long version = counted.stream().mapToLong(Product::sequence)
                            .reduce(Math.max(membership.sequence(), coherence.floors().of(token)), Math::max);
                    List<String> keys = SurrogateKeys.listing(category);
                    List<BigDecimal> prices = counted.stream().map(Product::price).toList();
                    CachedValue value = prices.isEmpty() ? CachedValue.absent(version, token, keys)
                            : CachedValue.found(json.write(CategorySummary.of(category, prices, currency)), version,
                                    token, keys);
                    return new Served(value.uncacheable(), Tier.MISS, false);
                }));
    }

    private void repairInBackground(String category, long ending) {
        repair(category, ending).subscribe().with(done -> {
        }, failure -> LOG.debugf("Second repair pass of %s failed: %s", category, failure.toString()));
    }

    /** One repair of a category (one at a time per category in the pod); {@code ending} the settle it ends. */
    Uni<Outcome> repair(String category, long ending) {
        return repairsInFlight.run(category + "@" + ending, () -> {
            meters.repairs().increment();
            return states(category).chain(states -> label(category, states)
                    .chain(label -> merge(category, states.apply(label), label, ending, 0)));
        });
    }

    /**
     * The version of a repair: a freshly reserved sequence, above every version served before and every event the
     * repair read (an event below it that the repair did not include arrives late and is relabelled). A category
     * with nothing to merge takes its listing's membership generation instead (raised by the delete or move that
     * emptied it), so that reads of invented categories reserve nothing.
     */
    private Uni<Long> label(String category, Function<Long, List<Change>> states) {
        return states.apply(0L).isEmpty()
                ? counters.generation(Tables.membership(category)).map(g -> Math.max(1, g.sequence()))
                : counters.reserve(1);
    }

    private Uni<Outcome> merge(String category, List<Change> states, long label, long ending, int attempt) {
        return redis.repair(category, states, label, settle, ending).chain(outcome -> {
            if (outcome.status() != Status.RELABEL) {
                return Uni.createFrom().item(outcome);
            }
            if (attempt >= MAX_RELABELS) {
                return Uni.createFrom().failure(new IllegalStateException("repair of " + category + " kept losing"));
            }
            return counters.reserve(1).chain(fresh -> merge(category, states, fresh, ending, attempt + 1));
        });
    }

    /**
     * Every product the index names in the category and every product the structure holds, as they are now (strongly
     * consistent): its price when it is live in this category, else its removal. An item gone from the store
     * (tombstone expired) is removed at the repair's version, the function's argument.
     */
    private Uni<Function<Long, List<Change>>> states(String category) {
        return members.all(category).chain(indexed -> redis.members(category)
                .onFailure().recoverWithItem(List.of())
                .chain(held -> {
                    Set<String> ids = new LinkedHashSet<>(indexed);
                    ids.addAll(held);
                    Uni<Map<String, StoredProduct>> current = ids.isEmpty() ? Uni.createFrom().item(Map.of())
                            : products.readConsistent(ids);
                    return current.map(found -> reserved -> ids.stream()
                            .map(id -> state(category, id, found.get(id), reserved)).toList());
                }));
    }

    private static Change state(String category, String id, StoredProduct stored, long reserved) {
        if (stored == null) {
            return new Change(id, reserved, null);
        }
        boolean here = stored.live() && category.equals(stored.product().category());
        return new Change(id, stored.product().sequence(), here ? SummaryState.minor(stored.product().price()) : null);
    }

    /** The scheduled repair: each category this pod has served, unless another pod claimed it this interval. */
    private void repairKnown() {
        List<String> categories = List.copyOf(known.asMap().keySet());
        Multi.createFrom().iterable(categories)
                .onItem().transformToUniAndConcatenate(c -> redis.claimRepair(c, interval)
                        .chain(claimed -> claimed ? repair(c, 0).replaceWith(true) : Uni.createFrom().item(false))
                        .onFailure().recoverWithItem(false))
                .collect().asList()
                .subscribe().with(done -> {
                }, failure -> LOG.debugf("Scheduled summary repair failed: %s", failure.toString()));
    }
}
