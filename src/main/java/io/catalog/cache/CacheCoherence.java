package io.catalog.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.config.CatalogConfig;
import io.catalog.model.Keys;
import io.catalog.model.ProductUpdated;

/**
 * What this pod may trust. L1 is trusted only while the invalidation feed is healthy: the feed consumer reports
 * each successful read ({@link #heartbeat()}); without one for {@code catalog.events.feed-stale-after}, or on any
 * feed failure ({@link #feedLost()}), L1 is bypassed, and on a lost feed it is dropped, until the consumer has
 * caught up again. Staleness therefore never waits for a TTL. Produced at start-up by {@code lab.DesignWiring}.
 * <p>
 * (Longer than most classes here: everything a pod vouches for with (L1 trust, floors, coverage, the membership it
 * heard, the count of changes heard) moves in one place when an event is applied, {@code update}, in an order the
 * races of docs/COHERENCE.md depend on; split across classes, that order would no longer be read in one method.)
 */
public class CacheCoherence {

    private static final Logger LOG = Logger.getLogger(CacheCoherence.class);
    /** How long floors are remembered: far longer than any L1 entry lives, and than DynamoDB's replication lag. */
    public static final Duration FLOOR_RETENTION = Duration.ofMinutes(10);

    private final L1Cache l1;
    private final Floors floors;
    private final RecentMembership membership;
    private final HotKeys hotKeys = new HotKeys();
    private final Ticker ticker;
    private final long staleAfterNanos;
    private final AtomicBoolean caughtUp = new AtomicBoolean(false);
    private final AtomicLong lateMemberships = new AtomicLong();
    private final AtomicLong highestHeard = new AtomicLong();
    /** See {@link #changesHeard()}. */
    private final AtomicLong changesHeard = new AtomicLong();
    /** See {@link #feedReached()}. */
    private volatile long feedReached = -1;
    private volatile long lastHeartbeat;
    private final long eventualLagNanos;
    /** From when (this pod's ticker) its floors hold every write appended to the stream; see {@link #covered}. */
    private volatile long coveredSince;
    private volatile boolean coverageKnown;

    /** With {@code l1} as this pod's L1 ({@link L1Cache#of}), the other settings as configured. */
    public CacheCoherence(CatalogConfig config, L1Cache l1, Ticker ticker) {
        this(l1, config.l1().ttl(), config.l1().maximumFloors(), config.events().feedStaleAfter(), eventualLag(config),
                ticker);
    }

    /**
     * How far behind an eventually consistent read may be ({@code catalog.dynamodb.eventual-lag}): a replica, or DAX
     * (every write of the service goes through DAX when it is on, so its item cache lags as its replication does).
     */
    public static Duration eventualLag(CatalogConfig config) {
        return config.dynamodb().eventualLag();
    }

    /**
     * A second pod's coherence in the same JVM (tests): the configured settings, L1 on its own quarkus-cache
     * implementation built directly rather than the application's named cache.
     */
    public static CacheCoherence standalone(CatalogConfig config, Ticker ticker) {
        return new CacheCoherence(config, L1Cache.standalone(config, ticker), ticker);
    }

    /** Outside Quarkus (tests): an L1 of {@code maximumSize} entries. */
    protected CacheCoherence(Duration ttl, long maximumSize, Duration staleAfter, Ticker ticker) {
        // a megabyte an entry: far above any entry's weight, so the entry count is the bound that applies
        this(ttl, new Bounds(maximumSize, maximumSize * 1_000_000L, 100_000), staleAfter, ticker);
    }

    /** Outside Quarkus (tests, JMH): L1 on the same quarkus-cache implementation, built directly. */
    CacheCoherence(Duration ttl, Bounds bounds, Duration staleAfter, Ticker ticker) {
        this(new L1Cache(ttl, bounds.l1Entries(), bounds.l1Bytes(), ticker), ttl, bounds.floors(), staleAfter,
                Duration.ZERO, ticker);
    }

    private CacheCoherence(L1Cache l1, Duration ttl, long maximumFloors, Duration staleAfter, Duration eventualLag,
            Ticker ticker) {
        this.ticker = ticker;
        this.l1 = l1;
        this.floors = new Floors(FLOOR_RETENTION.compareTo(ttl.multipliedBy(2)) > 0 ? FLOOR_RETENTION
                : ttl.multipliedBy(2), maximumFloors, ticker);
        this.staleAfterNanos = staleAfter.toNanos();
        this.eventualLagNanos = eventualLag.toNanos();
        this.membership = new RecentMembership(Duration.ofSeconds(30).plus(eventualLag.multipliedBy(2)), ticker);
        if (eventualLag.isZero()) {
            // outside Quarkus (unit tests): no replica lags, so nothing needs vouching for
            this.coverageKnown = true;
            this.coveredSince = ticker.read() - 1;
        }
    }

    /** How much per-key state this pod keeps: L1 entries and estimated bytes, and floors. */
    record Bounds(long l1Entries, long l1Bytes, long floors) {
    }

    public L1Cache l1() {
        return l1;
    }

    public Floors floors() {
        return floors;
    }

    /** The listings' membership changes this pod heard lately, to correct what the lagging index shows. */
    public RecentMembership membership() {
        return membership;
    }

    /** The most read keys of this pod, fed by the read path and by {@link #apply}. */
    public HotKeys hotKeys() {
        return hotKeys;
    }

    /** Whether L1 may answer now: while the feed is trusted. */
    public boolean l1Trusted() {
        return feedTrusted();
    }

    /**
     * Whether this pod's feed is trusted now: caught up, and its last round began within the lease. Until it is, the
     * pod may not have seen Redis restart or fail over, so it reads nothing Redis holds in L2's key space (entries,
     * summaries) and goes to the store.
     */
    public boolean feedTrusted() {
        return caughtUp.get() && ticker.read() - lastHeartbeat < staleAfterNanos;
    }

    /**
     * Whether an eventually consistent read (a replica, DAX) may be trusted for a key that has no floor of its own:
     * only while this pod's feed is trusted and its floors hold every write of the last
     * {@link #eventualLag(CatalogConfig) eventual lag} (a key without a floor then last changed longer ago than any
     * replica lags, and a key with one is checked against it). Otherwise, after a start or a gap in the feed, the read
     * is strongly consistent.
     */
    public boolean eventualReadsSafe() {
        return l1Trusted() && coverageKnown && ticker.read() - coveredSince >= eventualLagNanos;
    }

    /**
     * This pod's floors hold every write appended to the stream since {@code tickerNanos} (this pod's ticker): what
     * the start-up replay found it could vouch for. Only ever moves later.
     */
    public void covered(long tickerNanos) {
        if (!coverageKnown || tickerNanos - coveredSince > 0) {
            coveredSince = tickerNanos;
        }
        coverageKnown = true;
    }

    /**
     * The feed had a gap (entries trimmed unread or unreadable, a new Redis incarnation): the floors vouch for nothing
     * before now.
     */
    public void coverageLost() {
        changesHeard.incrementAndGet();
        covered(ticker.read());
    }

    /**
     * A count of the changes this pod heard (its own writes, and their publish: {@link #changed()}; the feed, and its
     * summaries; the start-up replay) and of the gaps in its feed (each may have taken changes): whether anything
     * changed since a moment, in any key. A change is counted before and after it is applied. What the floors cannot
     * vouch for is vouched for by it: a value this pod served, standing in for a hung store ({@code LastServed}), or a
     * generation the store gave, standing in for one it cannot give ({@code Aggregates}), is as new as the store only
     * while nothing was heard since its read began. Floors alone do not tell: a gap's changes raised none, and a change
     * heard with a sequence below a value's label (concurrent writers' sequences are not in the order they are heard,
     * and a counter relabels a late one above) leaves the floor where it admits the value that lacks it.
     */
    public long changesHeard() {
        return changesHeard.get();
    }

    /**
     * Counts a change made visible after {@link #apply} counted it: a writer's own publish, which raises the
     * generations (a pod applies its own write before it publishes it, so a generation read in between is older than
     * the write), or the summaries an event of the feed carries, applied after the event.
     */
    public void changed() {
        changesHeard.incrementAndGet();
    }

    /** The feed consumer read successfully and has nothing older left to read. */
    public void heartbeat() {
        heartbeat(feedClock());
    }

    /** The time on the clock of {@link #heartbeat(long)}: read by the feed consumer when a read starts. */
    public long feedClock() {
        return ticker.read();
    }

    /**
     * As {@link #heartbeat()}, for a read that started at {@code readStarted} ({@link #feedClock()}): L1 is trusted
     * for {@code feed-stale-after} from the start of the last successful read, not from its end, so a pod frozen
     * after Redis answered a read (the answer waiting in its socket) does not trust L1 again on what that old answer
     * held: the other pods forget a pod silent for longer than that (docs/COHERENCE.md, "Acknowledged everywhere").
     * Called by one thread.
     */
    public void heartbeat(long readStarted) {
        // differences, not Math.max: a ticker's values may be negative (System.nanoTime has an arbitrary origin)
        if (!caughtUp.get() || readStarted - lastHeartbeat > 0) {
            lastHeartbeat = readStarted;
        }
        if (caughtUp.compareAndSet(false, true)) {
            LOG.info("Invalidation feed caught up: L1 trusted again");
        }
    }

    /** The feed failed or has a gap it cannot close: drop L1 and stop trusting it until caught up. */
    public void feedLost() {
        if (caughtUp.getAndSet(false)) {
            LOG.warn("Invalidation feed lost: L1 dropped and bypassed until the feed has caught up");
        }
        l1.flush();
    }

    /**
     * Applies an event of this pod's own write as soon as the write is durable, before it is acknowledged and
     * without waiting for the feed to bring it back: a read on this pod after the acknowledgement never answers an
     * older version (read-your-writes on the writing pod, whatever the feed's latency). Floors only ever rise and L1
     * never goes back to an older version, so applying it again from the feed changes nothing.
     *
     * @param document the value the write left the product at (see {@link #apply(ProductUpdated, CachedValue, long)})
     * @param epochBefore {@link L1Cache#epoch()} taken before the write read the item
     */
    public void applyOwn(ProductUpdated event, CachedValue document, long epochBefore) {
        update(event, document, epochBefore);
    }

    /** As {@link #applyOwn(ProductUpdated, CachedValue, long)}, invalidating only. */
    public void applyOwn(ProductUpdated event) {
        applyOwn(event, null, l1.epoch());
    }

    /** Applies one event from the feed, invalidating only: every value older than it becomes stale in this pod. */
    public void apply(ProductUpdated event) {
        apply(event, null, l1.epoch());
    }

    /**
     * Applies one event from the feed: every value older than it becomes stale in this pod, and L1 holds the
     * product's new version ({@code document}) in place of an older one, so that a hot product stays an L1 hit
     * through its changes. Counted once per pod for the {@link HotKeys hot keys} (the writer's own
     * {@link #applyOwn} is not).
     * <p>
     * The document is put only while the feed is caught up and L1 was not flushed since {@code epochBefore} (taken
     * before the event was read, or before the write read the item): after a gap, an event read during the catch-up
     * may be older than one that was lost, whose floor this pod never raised; then the entry is only dropped, and the
     * next read loads it. L1 never goes back to an older version (duplicated or re-ordered events), and a version
     * put below its token's floor is never served: reads check floors first.
     *
     * @param document the product's value after the event, or {@code null} to invalidate only
     */
    public void apply(ProductUpdated event, CachedValue document, long epochBefore) {
        update(event, document, epochBefore);
        hotKeys.invalidated(Keys.product(event.productId()));
        feedReached = event.sequence();
    }

    /**
     * The sequence of the newest stream entry this pod's feed has applied (or, before its first, of the stream's newest
     * entry at start-up), -1 when none: in the stream's order, which is not the sequences'. What this pod assembles
     * after reading it reflects every event appended up to that entry (L1 applied them, floors keep older versions
     * out), whatever else it shows: so a live page resumes the change stream there ({@code data-since}), and a change
     * appended earlier with a lower sequence than something the page shows is not skipped.
     */
    public long feedReached() {
        return feedReached;
    }

    /** Where the feed starts: after the entry of the event of {@code sequence} (start-up, {@code StartupReplay}). */
    public void feedStartsAfter(long sequence) {
        feedReached = sequence;
    }

    /**
     * Raises the floors of an event applied before this pod started (read by the feed at its start), touching nothing
     * in L1: a version older than the event, from a replica or DAX that lags behind it, is then not cached.
     */
    public void remember(ProductUpdated event) {
        changesHeard.incrementAndGet();
        highestHeard.accumulateAndGet(event.sequence(), Math::max);
        membership.heard(event); // before the floors: a listing labelled by a floor includes what the floor says
        for (String token : event.tokens()) {
            floors.raise(token, event.sequence());
        }
    }

    /**
     * Whether a value carried by an event read after {@code epochBefore} may go into L1: only while the feed is caught
     * up and L1 was not flushed since.
     */
    public boolean mayPutFromFeed(long epochBefore) {
        return caughtUp.get() && l1.epoch() == epochBefore;
    }

    /**
     * Whether this event changes the membership of a listing whose floor is already past its sequence: another
     * writer's change of that listing, with a higher sequence, was heard first (concurrent writers publish in any
     * order). An event heard before (the writer's own apply and the feed's, in either order, with a newer change of
     * the listing heard between them) is not late: it was checked when it was first heard.
     */
    private boolean lateForAListing(ProductUpdated event) {
        for (String listing : event.membershipListings()) {
            if (event.sequence() < floors.of(Keys.members(listing))
                    && !membership.heard(listing, event.productId(), event.sequence())) {
                return true;
            }
        }
        return false;
    }

    /** Late membership changes this pod heard, each of which flushed its L1 (counted for tests). */
    public long lateMemberships() {
        return lateMemberships.get();
    }

    /** The highest event sequence this pod heard of (own writes, feed, replay): a writer's next one exceeds it. */
    public long highestHeard() {
        return highestHeard.get();
    }

    private void update(ProductUpdated event, CachedValue document, long epochBefore) {
        // counted before and after: a read that began before the end (its mark below the second count) may have
        // taken what this change makes stale, an L1 entry not yet dropped; one that begins after sees it applied
        changesHeard.incrementAndGet();
        long seq = event.sequence();
        highestHeard.accumulateAndGet(seq, Math::max);
        boolean late = lateForAListing(event);
        membership.heard(event); // before the floors: a listing labelled by a floor includes what the floor says
        for (String token : event.tokens()) {
            floors.raise(token, seq);
        }
        if (late) {
            // a list of that listing held here (or being computed) may have been computed after a newer change and
            // without this one, and its label passes the listing's floor, which this event does not raise: drop L1
            // and what is in flight, so that lists are computed again with this change heard
            lateMemberships.incrementAndGet();
            l1.flush();
        }
        String key = Keys.product(event.productId());
        if (document != null && document.version() == seq && caughtUp.get()) {
            l1.put(key, document, epochBefore);
        }
        l1.invalidateOlderThan(key, seq);
        changesHeard.incrementAndGet();
    }
}
