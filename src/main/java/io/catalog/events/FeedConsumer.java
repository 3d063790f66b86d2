package io.catalog.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import io.catalog.cache.CacheCoherence;
import io.catalog.config.CatalogConfig;
import io.catalog.support.Futures;
import io.catalog.support.Json;
import io.catalog.support.RedisFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.smallrye.mutiny.Uni;

/**
 * Each pod's reader of the ProductUpdated stream: blocking reads ({@code XREAD BLOCK}) from the last id it saw, in
 * batches, as the asynchronous rounds of a {@link StreamWorker} (which retries a failed read with backoff and stops
 * with the application). A stream (unlike pub/sub) lets a pod that was briefly away read what it missed.
 * <p>
 * <b>Threads.</b> A round runs on the event loop that receives Redis' answers: the read, the events applied, the
 * round's end script and the trust that follows, with no hand-over to a worker thread between them (each one is a
 * thread to wake on busy cores, on the path of every write's acknowledgement). Only what could hold the event loop
 * runs on a worker thread: a batch of more than {@link Futures#EVENT_LOOP_ITEMS} entries (decoded and applied there), the
 * start-up replay, and the check of Redis' identity (at most once a second).
 * <p>
 * <b>Trust.</b> A round that read the stream to its end acknowledges its position to the other pods
 * ({@link PodAcks}) and then lets the pod trust its L1 for {@code feed-stale-after} from the round's start: the
 * {@link Lease}. A round whose acknowledgement comes back long after the previous one was sent (or the first after a
 * start) may follow a time when the others forgot this pod: it acknowledges, so that writers know of the pod again,
 * and trusts nothing; the next round does.
 * <p>
 * <b>Applying.</b> What a round read is decoded ({@link FeedEntry}) and applied by the {@link FeedApplier}.
 * <p>
 * <b>Gaps.</b> What it cannot close it treats as a gap: entries removed before it read them (a trim, counted after
 * every read: {@link FeedPosition#observe}), an entry it cannot read, or a new Redis incarnation (a new {@code run_id}:
 * {@link RedisIdentity}). A gap drops L1, and the floors vouch for no write before it
 * ({@link CacheCoherence#coverageLost}); counted in {@code catalog.feed.gaps}. A failed read (Redis
 * down, a killed connection) drops L1 too; the stream still holds what the pod has not read, so it reads on from its
 * position once Redis answers.
 * <p>
 * Produced at start-up by {@code lab.DesignWiring} and started by {@link FeedLifecycle}.
 */
public class FeedConsumer {

    private static final Logger LOG = Logger.getLogger(FeedConsumer.class);

    private final ReactiveStreamCommands<String, String, String> streams;
    private final CacheCoherence coherence;
    private final FeedApplier applier;
    private final Json json;
    private final String stream;
    private final Duration block;
    private final int batch;
    private final AtomicLong lastSuccess = new AtomicLong(System.nanoTime());
    private final StreamWorker worker;
    private final PodAcks acks;
    private final RedisIdentity identity;
    private final StartupReplay replay;
    private final Event<FeedGap> gaps;
    private final TrustGrants grants;
    private final Counter gapCount;
    private volatile boolean healthy;
    private FeedPosition position;

    public FeedConsumer(RedisDataSource redis, CacheCoherence coherence, FeedApplier applier, Json json,
            CatalogConfig config, StreamWorkers workers, PodAcks acks, RedisIdentity identity,
            StartupReplay replay,
            Event<FeedGap> gaps, MeterRegistry registry) {
        this.streams = redis.getReactive().stream(String.class, String.class, String.class);
        this.coherence = coherence;
        this.applier = applier;
        this.json = json;
        this.acks = acks;
        this.identity = identity;
        this.replay = replay;
        this.gaps = gaps;
        this.stream = config.events().stream();
        this.block = config.events().blockTimeout();
        this.batch = config.events().batchSize();
        this.grants = new TrustGrants(Lease.of(config));
        this.worker = workers.createAsync("feed", this::poll, block, failure -> lost("read failed: " + failure.detail()));
        this.gapCount = Counter.builder("catalog.feed.gaps").description(
                "Gaps in the invalidation feed (entries trimmed unread or unreadable, a new Redis incarnation): L1"
                        + " dropped, the floors vouch for nothing before them")
                .register(registry);
        Gauge.builder("catalog.feed.healthy", this, c -> c.healthy ? 1 : 0)
                .description("1 while this pod reads the invalidation feed").register(registry);
        Gauge.builder("catalog.feed.lag", this, FeedConsumer::lagSeconds).baseUnit("seconds")
                .description("Time since this pod last read the feed successfully").register(registry);
    }

    /**
     * Replays the recent events ({@link StartupReplay}) before the HTTP server takes requests (Quarkus fires the
     * start-up event first), then starts the feed's rounds. Redis down or slow at start: the first round tries again,
     * and until it succeeds L1 is not trusted and loads are strongly consistent.
     */
    public void start() {
        applier.prime();
        try {
            begin(replay.run(stream));
        } catch (RuntimeException e) {
            LOG.infof("Recent events not replayed at start-up (the feed's first read will): %s",
                    RedisFailure.of(e).detail());
        }
        worker.start();
    }

    /** At shutdown: nothing more to do here, the stream workers stop with the application ({@link StreamWorkers}). */
    public void stop() {
    }

    private void begin(StartupReplay.Start start) {
        position = start.position();
        coherence.covered(start.coveredSince());
    }

    /** Whether the feed is being read now. */
    public boolean healthy() {
        return healthy;
    }

    double lagSeconds() {
        return healthy ? 0 : (System.nanoTime() - lastSuccess.get()) / 1e9;
    }

    /**
     * One round: a blocking read from the last id, the events applied, then, in one script, the stream's counts
     * checked for a trim and, when they show none and nothing older is left to read, an acknowledgement of the
     * position to the other pods ({@link PodAcks#endRound}) before L1 is trusted again (from the read's start). After
     * a gap, or where the script cannot tell, the round acknowledges on its own. A failure anywhere, the
     * acknowledgement included, fails the round: the feed counts as lost.
     */
    private Uni<Void> poll() {
        long started = coherence.feedClock();
        boolean trusted = coherence.l1Trusted();
        if (position == null || identity.due() || !trusted) {
            return Futures.onWorker(() -> prepare(trusted)).chain(() -> read(started));
        }
        return read(started);
    }

    /**
     * Before a read, on a worker thread: the start-up replay if it has not run, and Redis' identity when due, or
     * whenever L1 is not trusted: a pod that stalled or lost its feed may have missed a new Redis incarnation, and
     * trusts its caches (L2 included: {@code cache.TieredCache}) again only from a round that checked.
     */
    private void prepare(boolean trusted) {
        if (position == null) {
            begin(replay.run(stream));
        }
        RedisIdentity.Identity current = trusted ? identity.checkIfDue() : identity.check();
        if (current != null && position.observeRunId(current.runId())) {
            gap("Redis restarted or failed over (run_id changed)");
        }
    }

    private Uni<Void> read(long started) {
        String before = position.lastId();
        long addedBefore = position.added();
        long epoch = coherence.l1().epoch();
        return streams.xread(stream, before, new XReadArgs().block(block).count(batch)).chain(messages -> {
            int count = messages == null ? 0 : messages.size();
            if (count == 0) {
                return end(started, before, addedBefore, 0);
            }
            position.advance(messages.get(count - 1).id(), count);
            if (count <= Futures.EVENT_LOOP_ITEMS) {
                applier.apply(decode(messages), epoch);
                return end(started, before, addedBefore, count);
            }
            return Futures.onWorker(() -> applier.apply(decode(messages), epoch))
                    .chain(() -> end(started, before, addedBefore, count));
        });
    }

    /** The round's end, once what it read is applied: the stream's counts and, unless they show a gap, the ack. */
    private Uni<Void> end(long started, String before, long addedBefore, int count) {
        long sent = coherence.feedClock();
        return acks.endRound(stream, before, addedBefore, position.lastId(), count < batch).chain(end -> {
            if (position.observe(end.state(), before, addedBefore)) {
                gap("entries this pod had not read were removed from the stream");
                if (end.acknowledged() != null) {
                    // cannot happen while the script's rule is FeedPosition's (RoundEndScriptTest); if it did, no trust
                    throw new IllegalStateException("the round-end script acknowledged past a gap");
                }
            }
            lastSuccess.set(System.nanoTime());
            if (end.acknowledged() != null) {
                trust(started, sent);
            } else if (count < batch || position.atEnd()) {
                // read to the end (fewer entries than asked for, or as many and none after them), past a gap, or
                // where the script could not tell: acknowledged on its own
                return acknowledge(started);
            }
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * The entries of a read. An entry whose event cannot be read (a newer pod's format during a rolling upgrade, a
     * damaged entry) may have been any change: it is a gap ({@link #gap}: L1 dropped, the floors and the membership
     * heard vouch for nothing before it, live streams start over), but it does not stop the feed: skipping it beats
     * distrusting L1 forever because of one bad entry.
     */
    private List<FeedEntry> decode(List<StreamMessage<String, String, String>> messages) {
        List<FeedEntry> entries = new ArrayList<>(messages.size());
        for (StreamMessage<String, String, String> message : messages) {
            FeedEntry entry = FeedEntry.decode(message, json);
            if (entry.unreadable()) {
                gap("unreadable entry " + entry.id() + " skipped");
            }
            entries.add(entry);
        }
        return entries;
    }

    /**
     * Tells the other pods where this one is, and trusts L1 from {@code started} unless this acknowledgement may follow
     * a time when they forgot this pod ({@link Lease#rejoinGapNanos()}).
     */
    private Uni<Void> acknowledge(long started) {
        long sent = coherence.feedClock();
        return acks.acknowledge(position.lastId()).invoke(() -> trust(started, sent));
    }

    /**
     * After an acknowledgement sent at {@code sent}: L1 trusted from {@code started}, unless it may be a rejoin, or the
     * application is stopping (this pod tells the others it leaves, and they stop waiting for it).
     */
    private void trust(long started, long sent) {
        if (!grants.acknowledged(sent, coherence.feedClock())) {
            LOG.debugf("Feed acknowledged after a start or a silence: L1 trusted from the next round");
            return;
        }
        worker.ifRunning(() -> {
            healthy = true;
            coherence.heartbeat(started);
        });
    }

    /**
     * A gap in the feed: L1 dropped, the floors vouch for no write before now, and this pod's live streams told to
     * start over (they missed what the skipped entries held).
     */
    private void gap(String why) {
        gapCount.increment();
        lost(why);
        coherence.coverageLost();
        try {
            gaps.fire(new FeedGap(why));
        } catch (RuntimeException e) {
            LOG.warnf("A listener of feed gaps failed: %s", e);
        }
    }

    private void lost(String why) {
        if (healthy) {
            LOG.warnf("Invalidation feed interrupted: %s", why);
        }
        healthy = false;
        coherence.feedLost();
    }
}
