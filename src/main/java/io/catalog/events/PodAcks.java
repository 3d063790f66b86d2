package io.catalog.events;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CacheCoherence;
import io.catalog.config.CatalogConfig;
import io.catalog.support.Futures;
import io.catalog.support.PodIdentity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Acknowledgements between pods, so that a write is acknowledged to its client only once no other pod can answer
 * from L1 without having applied its event: each live pod has acknowledged it, or its {@link Lease} has run out.
 * <p>
 * <b>Sending.</b> After each round of its feed that leaves it caught up (a batch applied, or a blocking read that
 * timed out with nothing new), and before that round lets the pod trust its L1 again, the {@link FeedConsumer} calls
 * {@link #acknowledge}: one {@code XADD} to the acks stream (fields {@code pod}, this pod's {@link #podId id}, and
 * {@code position}, the last entry id it applied), trimmed to about {@link #MAX_LENGTH}. A pod whose feed is unhealthy
 * does not acknowledge; one that cannot acknowledge fails the round, so its feed counts as lost (L1 dropped). The acks
 * stream shares the events stream's hash slot ({@link RedisStreamSink#hashTag}: {@code {catalog}:events} gives
 * {@code {catalog}:acks}), hence the same master on Redis Cluster. A pod that stops cleanly sends {@code left}.
 * <p>
 * <b>Listening.</b> One {@link StreamWorker} round after another, asynchronous (on the event loop that receives the
 * answer, so a waiting writer is released there without a hand-over to a worker thread): a blocking read of the acks
 * stream ({@code XREAD BLOCK}), each acknowledgement recorded in the {@link AckTracker}, and, when the read returned
 * less than a full batch, the pods silent for the liveness period before the read started forgotten. A listener
 * nobody waited on for {@link #IDLE} parks instead of reading: the next waiter wakes it, or after {@link #PARK} it reads
 * what came meanwhile without blocking; so only a pod that writes (or purges) is woken by the acknowledgements. The
 * first round
 * (and the first after a failure) reads, on a worker thread, every acknowledgement of the liveness period, by Redis'
 * own clock (the ids' time).
 * <p>
 * <b>Waiting.</b> {@link #await} completes when the listener has read every acknowledgement sent before the write's
 * entry was appended and every other live pod acknowledged the entry, or, at the latest, when the lease of those that
 * did not has run out ({@link Lease#writeWaitNanos()} after the append). A wait longer than
 * {@code catalog.events.ack-timeout} is counted ({@code catalog.events.ack.timeouts}); {@code catalog.events.ack.wait}
 * times every wait. It never blocks a thread and resumes where {@link Futures#uni} resumes. docs/COHERENCE.md, "The
 * lease", has the argument.
 * <p>
 * One class, longer than 320 lines: sending, listening (with its park) and waiting share the listener's position,
 * the tracker and the lease, and the lease's argument (docs/COHERENCE.md) is checked against them side by side; the
 * state they do not share is already apart ({@link AckTracker}, {@link Lease}, {@link StreamInfo}).
 * <p>
 * Produced at start-up by {@code lab.DesignWiring} and started and stopped by {@link FeedLifecycle}.
 */
public class PodAcks {

    private static final Logger LOG = Logger.getLogger(PodAcks.class);
    static final long MAX_LENGTH = 10_000;
    static final int BATCH = 1_000;
    static final int MAX_PODS = 1024;
    static final int MAX_WAITERS = 10_000;
    /**
     * A listener that nobody waited on for this long parks: it reads the acks stream only when a waiter comes, or
     * {@link #PARK} after it parked, so a pod that is not writing is not woken by every other pod's acknowledgement
     * (three per write on three pods).
     */
    static final Duration IDLE = Duration.ofMillis(10);
    /** How long a parked listener waits for a waiter before it reads what came meanwhile. */
    static final Duration PARK = Duration.ofMillis(250);
    static final String REDIS_TIME = "return redis.call('TIME')";
    private static final Pattern POSITION = Pattern.compile("\\d+(-\\d+)?");

    private final RedisDataSource redis;
    private final StreamCommands<String, String, String> streams;
    private final ReactiveStreamCommands<String, String, String> reactiveStreams;
    private final String podId;
    private final String acks;
    private final Duration block;
    private final Duration liveness;
    private final Duration timeout;
    private final Lease lease;
    private final Ticker ticker;
    private final AckTracker tracker;
    private final StreamWorker listener;
    private final AckMeters meters;
    private volatile String listened;
    /** Whether the listener's last read was full: more is waiting. */
    private volatile boolean behind;
    /** A parked listener's wake-up: completed by the next waiter ({@link #await}), or {@code null}. */
    private final AtomicReference<CompletableFuture<Void>> parked = new AtomicReference<>();
    /** This pod's ticker when a writer or the purge feed last waited for acknowledgements. */
    private volatile long lastWaited;
    private final AtomicLong wakes = new AtomicLong();
    /** This pod's caches, untrusted before it tells the others it leaves. */
    private final CacheCoherence coherence;

    public PodAcks(RedisDataSource redis, CatalogConfig config, CacheCoherence coherence,
            StreamWorkers workers, Ticker ticker, MeterRegistry registry, PodIdentity identity) {
        this.coherence = coherence;
        this.redis = redis;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.reactiveStreams = redis.getReactive().stream(String.class, String.class, String.class);
        this.podId = identity.id();
        this.acks = acksStream(config.events().stream());
        this.block = config.events().blockTimeout();
        this.lease = Lease.of(config);
        this.liveness = Duration.ofNanos(lease.livenessNanos());
        this.timeout = config.events().ackTimeout();
        this.ticker = ticker;
        this.tracker = new AckTracker(podId, liveness.toNanos(), MAX_PODS, MAX_WAITERS, ticker);
        this.listener = workers.createAsync("acks", this::listen, block, failure -> listened = null);
        this.meters = new AckMeters(registry, tracker);
    }

    /** The acks stream of an events stream, in its hash slot: {@code {catalog}:events} gives {@code {catalog}:acks}. */
    static String acksStream(String events) {
        return RedisStreamSink.hashTag(events) + ":acks";
    }

    /**
     * Reads the recent acknowledgements before anything at start-up writes (the demo catalog), so that this pod's
     * first writes know the live pods and need not wait out their lease; then starts the listener.
     */
    public void start() {
        LOG.infof("Pod id %s (acknowledgements on %s; writes wait up to %s for the other pods, counted past %s)",
                podId, acks, Duration.ofNanos(lease.writeWaitNanos()), timeout);
        try {
            listened = history();
        } catch (RuntimeException e) {
            LOG.infof("Acknowledgements not read at start-up (the listener will): %s", e.toString());
        }
        listener.start();
    }

    /** After the stream workers stopped (the feed sends nothing more): the others forget this pod at once. */
    public void stop() {
        if (coherence != null) {
            // the others stop waiting for this pod: it must not answer from L1 any more (requests in flight)
            coherence.feedLost();
        }
        try {
            streams.xadd(acks, new XAddArgs().maxlen(MAX_LENGTH).nearlyExactTrimming(), Map.of("pod", podId,
                    "left", "1"));
        } catch (RuntimeException e) {
            LOG.debugf("Could not tell the other pods that this one stops: %s", e.toString());
        }
    }

    /** This pod's id in the acknowledgements (host name and a random suffix, new at every start). */
    public String podId() {
        return podId;
    }

    /** Tells the other pods that this one has applied every entry up to {@code position} (feed rounds). */
    Uni<Void> acknowledge(String position) {
        long started = System.nanoTime();
        return reactiveStreams.xadd(acks, new XAddArgs().maxlen(MAX_LENGTH).nearlyExactTrimming(),
                Map.of("pod", podId, "position", position))
                .invoke(() -> meters.sends().record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
                .replaceWithVoid();
    }

    /**
     * The end of a feed round that applied every entry up to {@code position} ({@link StreamInfo#endRound}): the
     * events stream's state and, unless it shows a gap, this pod's acknowledgement of the position, in one script.
     * Without an acknowledgement in the answer, the round decides and calls {@link #acknowledge} itself.
     */
    Uni<StreamInfo.RoundEnd> endRound(String stream, String before, long addedBefore, String position,
            boolean always) {
        long started = System.nanoTime();
        return StreamInfo.endRound(redis.getReactive(), stream, acks, before, addedBefore, position, always, podId,
                MAX_LENGTH).invoke(end -> {
                    if (end.acknowledged() != null) {
                        meters.sends().record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    }
                });
    }

    /**
     * Completes once no other pod can answer from L1 without having applied the events of {@code appended}: every
     * other live pod has acknowledged them, or, for those that did not, their lease has run out
     * ({@link Lease#writeWaitNanos()} after {@code appendedAt}, this pod's ticker read once the append had returned).
     * At once for {@code null} (nothing appended). Never fails; resumes where {@link Futures#uni} resumes.
     */
    public Uni<Void> await(Appended appended, long appendedAt) {
        return await(appended, appendedAt, false, meters.timeouts(), meters.waits());
    }

    /** As {@link #await(Appended, long)}, for an append that returned just now. */
    public Uni<Void> await(Appended appended) {
        return await(appended, ticker.read());
    }

    /**
     * As {@link #await}, and this pod's own feed too must have applied the entry: for the edge purge, since a purged
     * edge refetches from any pod (a purge sent before a pod applied the event would let the edge cache the old
     * version again). {@code readAt} is when the purge feed read the entry, after its append.
     */
    public Uni<Void> awaitEverywhere(Appended appended, long readAt) {
        return await(appended, readAt, true, meters.purgeTimeouts(), meters.purgeWaits());
    }

    /** The lease between pods' L1 trust and the writers' wait. */
    public Lease lease() {
        return lease;
    }

    private Uni<Void> await(Appended appended, long appendedAt, boolean includingSelf, Counter timeouts,
            Timer waits) {
        if (appended == null || appended.entryId() == null) {
            return Uni.createFrom().voidItem();
        }
        long started = ticker.read();
        String entryId = appended.entryId();
        CompletableFuture<Void> waiter = tracker.await(entryId, appended.acksAtAppend(), includingSelf);
        if (waiter != null && waiter.isDone()) {
            waits.record(Duration.ofNanos(ticker.read() - started));
            return Uni.createFrom().voidItem();
        }
        lastWaited = ticker.read();
        wake();
        long leaseLeft = Math.max(0, appendedAt + lease.writeWaitNanos() - started);
        Uni<Void> acknowledged = waiter == null ? Uni.createFrom().nullItem() : Futures.uni(() -> waiter);
        if (waiter == null) {
            acknowledged = acknowledged.onItem().delayIt().by(Duration.ofNanos(leaseLeft));
        } else {
            acknowledged = acknowledged.ifNoItem().after(Duration.ofNanos(Math.max(1, leaseLeft)))
                    .recoverWithUni(() -> {
                        tracker.abandon(entryId, waiter);
                        return Uni.createFrom().voidItem();
                    })
                    .onCancellation().invoke(() -> tracker.abandon(entryId, waiter));
        }
        return acknowledged.onTermination().invoke(() -> {
            long waited = ticker.read() - started;
            waits.record(Duration.ofNanos(waited));
            if (waited > timeout.toNanos()) {
                timeouts.increment();
            }
        });
    }

    /**
     * One round of the listener: a blocking read of the acks stream, answered on an event loop (the recent history
     * first, on a worker thread).
     */
    private Uni<Void> listen() {
        if (listened == null) {
            return Futures.onWorker(() -> listened = history());
        }
        if (tracker.waiting() > 0 || behind || ticker.read() - lastWaited < IDLE.toNanos()) {
            return read(true, true);
        }
        CompletableFuture<Void> park = new CompletableFuture<>();
        parked.set(park);
        if (tracker.waiting() > 0) {
            wake(); // a waiter came before the park was set
        }
        return Futures.uni(() -> park).ifNoItem().after(PARK).recoverWithItem((Void) null)
                .invoke(() -> parked.compareAndSet(park, null))
                .chain(() -> read(tracker.waiting() > 0, false));
    }

    /** Wakes a parked listener: a waiter came. */
    private void wake() {
        CompletableFuture<Void> park = parked.getAndSet(null);
        if (park != null && park.complete(null)) {
            wakes.incrementAndGet();
        }
    }

    /** Whether the listener is parked. For tests. */
    boolean parked() {
        return parked.get() != null;
    }

    /** How many times a waiter woke the parked listener. For tests. */
    long wakes() {
        return wakes.get();
    }

    /**
     * One read of the acks stream from where the listener is: blocking (for the acknowledgements a waiter needs), or
     * only what came while it was parked. {@code timed}: the acknowledgements read are timed as they arrive (not the
     * first read after a park, which returns what came during it).
     */
    private Uni<Void> read(boolean blocking, boolean timed) {
        long readStarted = ticker.read();
        XReadArgs args = blocking ? new XReadArgs().block(block).count(BATCH) : new XReadArgs().count(BATCH);
        return reactiveStreams.xread(acks, listened, args).invoke(messages -> {
            if (messages != null && !messages.isEmpty()) {
                messages.forEach(message -> record(message, timed));
                listened = messages.get(messages.size() - 1).id();
                tracker.listened(listened);
            }
            // a full read leaves more to read: read on at once, never park behind a backlog
            behind = messages != null && messages.size() >= BATCH;
            if (messages == null || messages.size() < BATCH) {
                // every acknowledgement sent before this read started has been read: silence is silence
                tracker.forgetSilent(readStarted);
            }
        }).replaceWithVoid();
    }

    /**
     * Records every acknowledgement younger than the liveness period by Redis' clock (the time in their ids), oldest
     * first, and answers the id to read from next. Older ones belong to pods silent for longer, which the writers of
     * this pod need not wait for: such a pod rejoins before it trusts its L1 again ({@link FeedConsumer}).
     */
    private String history() {
        Response time = redis.execute("EVAL", REDIS_TIME, "1", acks);
        long now = Long.parseLong(time.get(0).toString()) * 1000 + Long.parseLong(time.get(1).toString()) / 1000;
        String from = (now - liveness.toMillis()) + "-0";
        String last = null;
        List<StreamMessage<String, String, String>> chunk;
        do {
            chunk = streams.xrange(acks, StreamRange.of(last == null ? from : "(" + last, "+"), BATCH);
            chunk.forEach(message -> record(message, false));
            if (!chunk.isEmpty()) {
                last = chunk.get(chunk.size() - 1).id();
            }
        } while (chunk.size() == BATCH);
        // everything acknowledged before Redis' time above has been read (a later acknowledgement has a later id)
        String through = (now - 1) + "-0";
        tracker.listened(last == null || FeedPosition.compare(through, last) > 0 ? through : last);
        return last == null ? from : last;
    }

    /**
     * Records one acknowledgement; with {@code timed}, an acknowledgement that moves another pod to a newer position
     * is timed from that position's append ({@code catalog.events.ack.lag}; not for the history read at start).
     */
    private void record(StreamMessage<String, String, String> message, boolean timed) {
        Map<String, String> fields = message.payload();
        String pod = fields == null ? null : fields.get("pod");
        if (pod == null) {
            return;
        }
        if (fields.containsKey("left")) {
            tracker.left(pod);
            return;
        }
        String position = fields.get("position");
        if (position != null && POSITION.matcher(position).matches()) {
            String before = timed && !podId.equals(pod) ? tracker.position(pod) : null;
            if (before != null && FeedPosition.compare(position, before) > 0) {
                meters.lags().record(Math.max(0, System.currentTimeMillis() - FeedPosition.millis(position)),
                        TimeUnit.MILLISECONDS);
            }
            tracker.heard(pod, position);
        }
    }

    /** What the tracker knows of pod {@code pod}: its last acknowledged position, or {@code null}. For tests. */
    String position(String pod) {
        return tracker.position(pod);
    }
}
