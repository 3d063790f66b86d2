package io.catalog.events;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.ProductValues;
import io.catalog.cache.SummaryCoherence;
import io.catalog.config.CatalogConfig;
import io.catalog.model.Product;
import io.catalog.model.ProductUpdated;
import io.catalog.model.SummaryState;
import io.catalog.support.Json;
import io.catalog.support.RedisFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.quarkus.runtime.StartupEvent;

/**
 * Each pod's reader of the ProductUpdated stream: blocking reads from the last id it saw, in batches, as the rounds
 * of a {@link StreamWorker} (which retries a failed read with backoff and stops with the application). A stream
 * (unlike pub/sub) lets a pod that was briefly away read what it missed.
 * <p>
 * <b>Trust.</b> A round that read the stream to its end acknowledges its position to the other pods
 * ({@link PodAcks}) and then lets the pod trust its L1 for {@code feed-stale-after} from the round's start: the
 * {@link Lease}. A round whose acknowledgement comes back long after the previous one was sent (or the first after a
 * start) may follow a time when the others forgot this pod: it acknowledges, so that writers know of the pod again,
 * and trusts nothing; the next round does.
 * <p>
 * <b>Gaps.</b> What it cannot close it treats as a gap: entries removed before it read them (a trim, counted after
 * every read: {@link FeedPosition#observe}) or a new Redis epoch (a new {@code run_id}: {@link RedisIdentity}). A gap
 * drops L1, and the floors vouch for no write before it ({@link CacheCoherence#coverageLost}). A failed read (Redis
 * down, a killed connection) drops L1 too; the stream still holds what the pod has not read, so it reads on from its
 * position once Redis answers.
 */
@ApplicationScoped
public class FeedConsumer {

    private static final Logger LOG = Logger.getLogger(FeedConsumer.class);

    private final RedisDataSource redis;
    private final StreamCommands<String, String, String> streams;
    private final CacheCoherence coherence;
    private final SummaryCoherence summaries;
    private final boolean summariesMaintained;
    private final ProductValues values;
    private final Json json;
    private final String stream;
    private final Duration block;
    private final int batch;
    private final boolean enabled;
    private final Counter applied;
    private final Timer propagation;
    private final Timer delivery;
    private final AtomicLong lastSuccess = new AtomicLong(System.nanoTime());
    private final StreamWorker worker;
    private final PodAcks acks;
    private final RedisIdentity identity;
    private final StartupReplay replay;
    private final Event<ProductUpdated> appliedEvents;
    private final Event<FeedGap> gaps;
    private final EventSpans spans;
    private volatile boolean healthy;
    private FeedPosition position;
    private final TrustGrants grants;

    public FeedConsumer(RedisDataSource redis, CacheCoherence coherence, SummaryCoherence summaries,
            ProductValues values, Json json, CatalogConfig config, StreamWorkers workers, PodAcks acks,
            RedisIdentity identity, StartupReplay replay, @Applied Event<ProductUpdated> appliedEvents,
            Event<FeedGap> gaps, EventSpans spans, MeterRegistry registry) {
        this.values = values;
        this.acks = acks;
        this.redis = redis;
        this.identity = identity;
        this.replay = replay;
        this.appliedEvents = appliedEvents;
        this.gaps = gaps;
        this.spans = spans;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.coherence = coherence;
        this.summaries = summaries;
        this.summariesMaintained = SummaryMaintainer.enabled(config);
        this.json = json;
        this.stream = config.events().stream();
        this.block = config.events().blockTimeout();
        this.batch = config.events().batchSize();
        this.grants = new TrustGrants(Lease.of(config));
        this.enabled = config.lab().l1Enabled() && config.lab().l1Coordinated();
        this.worker = workers.create("feed", this::poll, failure -> lost("read failed: " + failure.detail()));
        this.applied = Counter.builder("catalog.events.applied").description("Events applied by this pod")
                .register(registry);
        this.propagation = Timer.builder("catalog.events.propagation")
                .description("Delay from an event's occurrence to its application on this pod")
                .publishPercentiles(0.5, 0.9, 0.99).publishPercentileHistogram().register(registry);
        this.delivery = Timer.builder("catalog.events.delivery")
                .description("Delay from an event's entry into the stream (the entry id's time, Redis' clock, whole"
                        + " milliseconds) to its application on this pod: the feed's share of the propagation")
                .publishPercentiles(0.5, 0.9, 0.99).publishPercentileHistogram().register(registry);
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
    void onStart(@Observes StartupEvent event) {
        if (enabled) {
            prime();
            try {
                begin(replay.run(stream));
            } catch (RuntimeException e) {
                LOG.infof("Recent events not replayed at start-up (the feed's first read will): %s",
                        RedisFailure.of(e).detail());
            }
            worker.start();
        }
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
     * One round: a blocking read from the last id, the stream's counts checked for a trim, the events applied, and,
     * when nothing older is left to read, an acknowledgement of the position to the other pods ({@link PodAcks})
     * before L1 is trusted again (from the read's start). A failure anywhere, the acknowledgement included, fails the
     * round: the feed counts as lost.
     */
    private void poll() {
        long started = coherence.feedClock();
        if (position == null) {
            begin(replay.run(stream));
        }
        RedisIdentity.Identity current = identity.checkIfDue();
        if (current != null && position.observeRunId(current.runId())) {
            gap("Redis restarted or failed over (run_id changed)");
        }
        String before = position.lastId();
        long addedBefore = position.added();
        long epoch = coherence.l1().epoch();
        List<StreamMessage<String, String, String>> messages = streams.xread(stream, before,
                new XReadArgs().block(block).count(batch));
        int count = messages == null ? 0 : messages.size();
        if (count > 0) {
            position.advance(messages.get(count - 1).id(), count);
        }
        if (position.observe(StreamInfo.read(redis, stream), before, addedBefore)) {
            gap("entries this pod had not read were removed from the stream");
        }
        if (count > 0) {
            apply(messages, epoch);
        }
        lastSuccess.set(System.nanoTime());
        if (count < batch) {
            acknowledge(started);
        }
    }

    /**
     * Tells the other pods where this one is, and trusts L1 from {@code started} unless this acknowledgement may follow
     * a time when they forgot this pod ({@link Lease#rejoinGapNanos()}).
     */
    private void acknowledge(long started) {
        long sent = coherence.feedClock();
        acks.acknowledge(position.lastId());
        if (!grants.acknowledged(sent, coherence.feedClock())) {
            LOG.debugf("Feed acknowledged after a start or a silence: L1 trusted from the next round");
            return;
        }
        healthy = true;
        coherence.heartbeat(started);
    }

    /** Applies each event: its product's new version goes into L1 ({@link CacheCoherence#apply}). */
    private void apply(List<StreamMessage<String, String, String>> messages, long epoch) {
        Instant now = Instant.now();
        for (StreamMessage<String, String, String> message : messages) {
            ProductUpdated event = readable(message);
            if (event == null) {
                continue;
            }
            Span span = spans == null ? null : spans.apply(event, message.payload().get("event"));
            coherence.apply(event, values.of(event).orElse(null), epoch);
            if (summariesMaintained) {
                summaries.heard(event, message.payload().get("summaries"), epoch);
            }
            if (span != null) {
                span.end();
            }
            announce(event);
            Duration delay = Duration.between(event.occurredAt(), now);
            propagation.record(delay.isNegative() ? Duration.ZERO : delay);
            delivery.record(Math.max(0, now.toEpochMilli() - entryMillis(message.id())), TimeUnit.MILLISECONDS);
            applied.increment();
        }
    }

    /** The time part of a stream entry id ({@code <milliseconds>-<sequence>}), the Redis server's clock at XADD. */
    static long entryMillis(String id) {
        try {
            return FeedPosition.millis(id);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private void announce(ProductUpdated event) {
        try {
            appliedEvents.fire(event);
        } catch (RuntimeException e) {
            LOG.warnf("A listener of applied events failed on %s: %s", event.productId(), e);
        }
    }

    /**
     * The event of an entry, or {@code null} when it has none. An entry that cannot be read may have been an
     * invalidation, so it counts as a gap (L1 is dropped), but it does not stop the feed: skipping it beats
     * distrusting L1 forever because of one bad entry.
     */
    private ProductUpdated readable(StreamMessage<String, String, String> message) {
        String payload = message.payload() == null ? null : message.payload().get("event");
        try {
            return payload == null ? null : json.read(payload, ProductUpdated.class);
        } catch (RuntimeException e) {
            lost("unreadable entry " + message.id() + " skipped");
            return null;
        }
    }

    /**
     * Runs the apply path's reading and rendering once, on a made-up event, before the first real one: an event
     * written and read back, the document it carries prepared, a summaries field read. Nothing is applied (no floor,
     * no L1 entry, no listener told). Without it the first event a fresh pod applied paid for class loading and
     * Jackson's (de)serializer construction, longer than the writer's 100 ms wait for it
     * ({@code catalog.events.ack-timeout}), so the first write after every pod start was counted as a timeout.
     */
    void prime() {
        try {
            Product product = new Product("prime", "prime", "prime", BigDecimal.ONE, "EUR", 1, Instant.EPOCH, 1);
            ProductUpdated event = json.read(json.write(ProductUpdated.of(product, null, false, null)),
                    ProductUpdated.class);
            values.of(event).ifPresent(CachedValue::body);
            event.tokens();
            json.read(json.write(List.of(new SummaryState("prime", 1, 1, 1, 1, 1))), SummaryState[].class);
        } catch (RuntimeException e) {
            LOG.debugf("Priming the feed's apply path failed (the first event pays for it): %s", e.toString());
        }
    }

    /**
     * A gap in the feed: L1 dropped, the floors vouch for no write before now, and this pod's live streams told to
     * start over (they missed what the skipped entries held).
     */
    private void gap(String why) {
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
