package io.catalog.events;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CacheCoherence;
import io.catalog.config.CatalogConfig;
import io.catalog.support.Futures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * Acknowledgements between pods, so that a write is acknowledged to its client only once every other live pod has
 * applied its event (bounded by {@code catalog.events.ack-timeout}).
 * <p>
 * <b>Sending.</b> After each round of its feed that leaves it caught up (a batch applied, or a blocking read that
 * timed out with nothing new), and before that round lets the pod trust its L1 again, the {@link FeedConsumer} calls
 * {@link #acknowledge}: one {@code XADD} to the acks stream (fields {@code pod}, this pod's {@link #podId id}, and
 * {@code position}, the last entry id it applied), trimmed to about {@link #MAX_LENGTH}. A pod whose feed is unhealthy
 * does not acknowledge; one that cannot acknowledge fails the round, so its feed counts as lost (L1 dropped). The acks
 * stream shares the events stream's hash slot ({@link RedisStreamSink#hashTag}: {@code {catalog}:events} gives
 * {@code {catalog}:acks}), hence the same master on Redis Cluster. A pod that stops cleanly sends {@code left}.
 * <p>
 * <b>Listening.</b> One {@link StreamWorker} round after another: a blocking read of the acks stream, each
 * acknowledgement recorded in the {@link AckTracker}, and, when the read returned less than a full batch, the pods
 * silent for the liveness period forgotten. The first round (and the first after a failure) reads the recent
 * history, so a pod that starts knows the live pods before it acknowledges a write: an entry counts as recent when
 * Redis' own clock (the ids' time) says it is younger than the liveness period.
 * <p>
 * <b>Liveness</b> = {@code feed-stale-after} + {@code block-timeout}: longer than a pod trusts its L1 after the start
 * of its last successful feed read, and each such read ends with an acknowledgement before the trust is extended. So a
 * pod is forgotten only once it no longer trusts its L1 (see docs/COHERENCE.md, "Acknowledged everywhere").
 * <p>
 * <b>Waiting.</b> {@link #await} completes when every other live pod acknowledged the entry, or after the timeout
 * (counted by {@code catalog.events.ack.timeouts}; {@code catalog.events.ack.wait} times every wait). It never
 * blocks a thread and resumes where {@link Futures#uni} resumes. Not run for the lab's TTL-only L1 (no feed).
 */
@ApplicationScoped
public class PodAcks {

    private static final Logger LOG = Logger.getLogger(PodAcks.class);
    static final long MAX_LENGTH = 10_000;
    static final int BATCH = 1_000;
    static final int MAX_PODS = 256;
    static final int MAX_WAITERS = 10_000;
    static final String REDIS_TIME = "return redis.call('TIME')";

    private final RedisDataSource redis;
    private final StreamCommands<String, String, String> streams;
    private final String podId;
    private final String acks;
    private final Duration block;
    private final Duration liveness;
    private final Duration timeout;
    private final boolean sending;
    private final boolean waiting;
    private final AckTracker tracker;
    private final StreamWorker listener;
    private final Counter timeouts;
    private final Counter purgeTimeouts;
    private final Timer purgeWaits;
    private final Timer waits;
    private final Timer sends;
    private final Timer lags;
    private String listened;
    /** This pod's caches, untrusted before it tells the others it leaves; a field to keep the hook small. */
    @Inject
    CacheCoherence coherence;

    public PodAcks(RedisDataSource redis, CatalogConfig config, StreamWorkers workers, Ticker ticker,
            MeterRegistry registry) {
        this.redis = redis;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.podId = newPodId();
        this.acks = acksStream(config.events().stream());
        this.block = config.events().blockTimeout();
        this.liveness = config.events().feedStaleAfter().plus(block);
        this.timeout = config.events().ackTimeout();
        this.sending = config.lab().l1Enabled() && config.lab().l1Coordinated();
        this.waiting = sending && !timeout.isZero();
        this.tracker = new AckTracker(podId, liveness.toNanos(), MAX_PODS, MAX_WAITERS, ticker);
        this.listener = workers.create("acks", this::listen, failure -> listened = null);
        this.timeouts = Counter.builder("catalog.events.ack.timeouts")
                .description("Writes acknowledged before every live pod had applied their event (ack-timeout)")
                .register(registry);
        this.purgeTimeouts = Counter.builder("catalog.edge.purge.ack.timeouts")
                .description("Edge purges sent before every live pod, this one included, had applied their events")
                .register(registry);
        this.purgeWaits = Timer.builder("catalog.edge.purge.ack.wait")
                .description("How long edge purges waited for every live pod, this one included, to apply their events")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
        this.waits = Timer.builder("catalog.events.ack.wait")
                .description("How long writes waited for the other live pods to apply their event")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
        this.sends = Timer.builder("catalog.events.ack.send")
                .description("Round trips of this pod's acknowledgements (one XADD from the feed's worker thread)")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
        this.lags = Timer.builder("catalog.events.ack.lag")
                .description("From an entry's append to the stream (Redis' clock, whole milliseconds) until this pod"
                        + " read another pod's acknowledgement of it: that pod's delivery, apply and acknowledgement,"
                        + " and this pod's listener; the bulk of a write's wait")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
        Gauge.builder("catalog.events.ack.pods", tracker, AckTracker::pods)
                .description("Other pods this pod knows as live (heard within the liveness period)").register(registry);
        Gauge.builder("catalog.events.ack.waiting", tracker, AckTracker::waiting)
                .description("Writes waiting now for the other pods' acknowledgements").register(registry);
    }

    /** The acks stream of an events stream, in its hash slot: {@code {catalog}:events} gives {@code {catalog}:acks}. */
    static String acksStream(String events) {
        return RedisStreamSink.hashTag(events) + ":acks";
    }

    private static String newPodId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            host = "pod";
        }
        return host + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
    }

    void onStart(@Observes StartupEvent event) {
        LOG.infof("Pod id %s (acknowledgements on %s; writes wait %s for the other pods)", podId, acks,
                waiting ? timeout : "not at all");
        if (waiting) {
            listener.start();
        }
    }

    /** After the stream workers stopped (the feed sends nothing more): the others forget this pod at once. */
    void onStop(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER) ShutdownEvent event) {
        if (!sending) {
            return;
        }
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

    /** Tells the other pods that this one has applied every entry up to {@code position} (blocking: feed rounds). */
    void acknowledge(String position) {
        if (sending) {
            long started = System.nanoTime();
            streams.xadd(acks, new XAddArgs().maxlen(MAX_LENGTH).nearlyExactTrimming(),
                    Map.of("pod", podId, "position", position));
            sends.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Completes when every other live pod has applied the stream entry {@code entryId} (at once for {@code null}: the
     * event is not in the stream yet), or after {@code catalog.events.ack-timeout}; never fails.
     */
    public Uni<Void> await(String entryId) {
        return await(entryId, false, timeouts, waits);
    }

    /**
     * As {@link #await}, and this pod's own feed too must have applied the entry: for the edge purge, since a purged
     * edge refetches from any pod (a purge sent before a pod applied the event would let the edge cache the old
     * version again). Runs out after {@code catalog.events.ack-timeout} as well (counted by
     * {@code catalog.edge.purge.ack.timeouts}), then the purge goes ahead (the settle re-purge still follows).
     */
    public Uni<Void> awaitEverywhere(String entryId) {
        return await(entryId, true, purgeTimeouts, purgeWaits);
    }

    private Uni<Void> await(String entryId, boolean includingSelf, Counter timeouts, Timer waits) {
        if (!waiting || entryId == null) {
            return Uni.createFrom().voidItem();
        }
        long started = System.nanoTime();
        CompletableFuture<Void> waiter = tracker.await(entryId, includingSelf);
        if (waiter == null) {
            timeouts.increment();
            return Uni.createFrom().voidItem();
        }
        if (waiter.isDone()) {
            waits.record(Duration.ofNanos(System.nanoTime() - started));
            return Uni.createFrom().voidItem();
        }
        return Futures.uni(() -> waiter)
                .ifNoItem().after(timeout).recoverWithUni(() -> {
                    tracker.abandon(entryId, waiter);
                    timeouts.increment();
                    return Uni.createFrom().voidItem();
                })
                .onCancellation().invoke(() -> tracker.abandon(entryId, waiter))
                .onTermination().invoke(() -> waits.record(Duration.ofNanos(System.nanoTime() - started)));
    }

    /** One round of the listener: a blocking read of the acks stream (the recent history first). */
    private void listen() {
        if (listened == null) {
            listened = history();
            return;
        }
        List<StreamMessage<String, String, String>> messages = streams.xread(acks, listened,
                new XReadArgs().block(block).count(BATCH));
        if (messages != null && !messages.isEmpty()) {
            messages.forEach(message -> record(message, true));
            listened = messages.get(messages.size() - 1).id();
            tracker.listened(listened);
        }
        if (messages == null || messages.size() < BATCH) {
            tracker.forgetSilent();
        }
    }

    /**
     * Records the acknowledgements younger than the liveness period by Redis' clock (the time in their ids) and
     * answers the id to read from next.
     */
    private String history() {
        Response time = redis.execute("EVAL", REDIS_TIME, "1", acks);
        long now = Long.parseLong(time.get(0).toString()) * 1000 + Long.parseLong(time.get(1).toString()) / 1000;
        long oldest = now - liveness.toMillis();
        // XREVRANGE takes the higher bound first
        List<StreamMessage<String, String, String>> recent = streams.xrevrange(acks,
                StreamRange.of("+", oldest + "-0"), BATCH);
        for (int i = recent.size() - 1; i >= 0; i--) {
            record(recent.get(i), false);
        }
        // everything acknowledged before Redis' time above has been read (a later acknowledgement has a later id)
        tracker.listened((now - 1) + "-0");
        return recent.isEmpty() ? oldest + "-0" : recent.get(0).id();
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
        if (position != null && position.matches("\\d+(-\\d+)?")) {
            String before = timed && !podId.equals(pod) ? tracker.position(pod) : null;
            if (before != null && FeedPosition.compare(position, before) > 0) {
                lags.record(Math.max(0, System.currentTimeMillis() - FeedPosition.millis(position)),
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
