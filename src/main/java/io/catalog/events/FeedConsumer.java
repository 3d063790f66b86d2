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
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.L2Cache;
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
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XReadArgs;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * Each pod's reader of the ProductUpdated stream: blocking reads from the last id it saw, in batches, as the rounds
 * of a {@link StreamWorker} (which retries a failed read with backoff and stops with the application). A stream
 * (unlike pub/sub) lets a pod that was briefly away read what it missed. What it cannot close it treats as a gap: on
 * any read failure (Redis down, connection killed, failover) or a Redis restart (a new {@code run_id}, so the stream
 * it was reading is gone), it drops its L1 and bypasses it until a read succeeds with nothing older left to read.
 */
@ApplicationScoped
public class FeedConsumer {

    private static final Logger LOG = Logger.getLogger(FeedConsumer.class);
    static final Duration RUN_ID_CHECK = Duration.ofSeconds(1);
    static final String SERVER_INFO = "return redis.call('INFO', 'server')";
    /** The most events before its start whose floors a starting pod raises ({@link #start()}). */
    static final int REPLAY = 1_000;

    private final RedisDataSource redis;
    private final StreamCommands<String, String, String> streams;
    private final CacheCoherence coherence;
    private final SummaryCoherence summaries;
    private final boolean summariesMaintained;
    private final L2Cache l2;
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
    private volatile boolean healthy;
    private FeedPosition position;
    /** Where {@link #onStart} found the stream's end, for the first round; {@code null} if it could not. */
    private volatile String startedAfter;
    private long runIdCheckedAt;
    /** Tells the pod's own listeners (the live price stream) of each applied event; a field to keep the hook small. */
    @Inject
    @Applied
    Event<ProductUpdated> appliedEvents;

    private long clusterEpoch;
    /** Spans of applied events when tracing is on; a field to keep the hook small. */
    @Inject
    EventSpans spans;

    public FeedConsumer(RedisDataSource redis, CacheCoherence coherence, SummaryCoherence summaries, L2Cache l2,
            ProductValues values, Json json, CatalogConfig config, StreamWorkers workers, PodAcks acks,
            MeterRegistry registry) {
        this.values = values;
        this.acks = acks;
        this.redis = redis;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.coherence = coherence;
        this.summaries = summaries;
        this.summariesMaintained = SummaryMaintainer.enabled(config);
        this.l2 = l2;
        this.json = json;
        this.stream = config.events().stream();
        this.block = config.events().blockTimeout();
        this.batch = config.events().batchSize();
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
     * Raises the floors of the recent events ({@link #start()}) before the HTTP server takes requests (Quarkus fires
     * the start-up event first), then starts the feed's rounds. Redis down or slow at start: the first round tries
     * again, and until it succeeds L1 is not trusted anyway.
     */
    void onStart(@Observes StartupEvent event) {
        if (enabled) {
            prime();
            try {
                startedAfter = start();
            } catch (RuntimeException e) {
                LOG.infof("Floors of the recent events not raised at start-up (the feed's first read will): %s",
                        RedisFailure.of(e).detail());
            }
            worker.start();
        }
    }

    /** Whether the feed is being read now. */
    public boolean healthy() {
        return healthy;
    }

    double lagSeconds() {
        return healthy ? 0 : (System.nanoTime() - lastSuccess.get()) / 1e9;
    }

    /**
     * One round: a blocking read from the last id, the events applied, and, when nothing older is left to read, an
     * acknowledgement of the position to the other pods ({@link PodAcks}) before L1 is trusted again (from the read's
     * start). A failure anywhere, the acknowledgement included, fails the round: the feed counts as lost.
     */
    private void poll() {
        long started = coherence.feedClock();
        if (position == null) {
            String after = startedAfter;
            position = new FeedPosition(after != null ? after : start());
        }
        checkRunId();
        if (position.observeMaxDeleted(maxDeleted())) {
            lost("the stream was trimmed past this pod's position");
        }
        long epoch = coherence.l1().epoch();
        List<StreamMessage<String, String, String>> messages = streams.xread(stream, position.lastId(),
                new XReadArgs().block(block).count(batch));
        if (messages != null && !messages.isEmpty()) {
            apply(messages, epoch);
            position.advance(messages.get(messages.size() - 1).id());
        }
        lastSuccess.set(System.nanoTime());
        if (messages == null || messages.size() < batch) {
            acks.acknowledge(position.lastId());
            healthy = true;
            coherence.heartbeat(started);
        }
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
     * Where a starting pod begins to read: after the newest entry of the stream ({@link FeedPosition#START} when it is
     * empty or missing), not at its oldest. First it raises the floors of the events of the last
     * {@link CacheCoherence#FLOOR_RETENTION} before that entry ({@link CacheCoherence#remember}: nothing is put into or
     * dropped from L1), at most {@link #REPLAY} of them and at most an eighth of the floors this pod may keep: a pod
     * that starts right after a write has no floor for it, and a replica or DAX that lags behind the write would
     * otherwise hand it the older version to cache, with no event left to correct it. Entries it cannot read are
     * skipped (they have no floor to raise) and counted in the log line.
     */
    String start() {
        return start(stream);
    }

    /** As {@link #start()}, on stream {@code key} (a test reads one that no running feed reads). */
    String start(String key) {
        int most = (int) Math.max(1, Math.min(REPLAY, coherence.floors().maximumSize() / 8));
        // XREVRANGE takes the higher bound first: the client sends the range's bounds in the order given
        List<StreamMessage<String, String, String>> newest = streams.xrevrange(key, StreamRange.of("+", "-"), most);
        if (newest == null || newest.isEmpty()) {
            return FeedPosition.START;
        }
        // the age by this pod's clock against Redis' (the ids' time): a skew of seconds matters little against minutes
        long oldest = System.currentTimeMillis() - CacheCoherence.FLOOR_RETENTION.toMillis();
        int remembered = 0;
        int unreadable = 0;
        for (StreamMessage<String, String, String> message : newest) {
            if (entryMillis(message.id()) < oldest) {
                break;
            }
            String payload = message.payload() == null ? null : message.payload().get("event");
            if (payload == null) {
                continue;
            }
            try {
                // an event this version cannot read, or one without a category, has no floor to raise
                coherence.remember(json.read(payload, ProductUpdated.class));
                remembered++;
            } catch (RuntimeException e) {
                unreadable++;
            }
        }
        LOG.infof("Feed starts after entry %s; floors of the %d events of the last %s before it raised (%d unreadable"
                + " skipped)", newest.get(0).id(), remembered, CacheCoherence.FLOOR_RETENTION, unreadable);
        return newest.get(0).id();
    }

    /**
     * The newest id ever trimmed from the stream, or {@code null} when the stream is missing or Redis is older than 7.
     * A missing stream is the one case read from an error's text: Redis answers it with the generic code
     * {@code ERR}.
     */
    private String maxDeleted() {
        try {
            Response info = redis.execute("XINFO", "STREAM", stream);
            Response maxDeleted = field(info, "max-deleted-entry-id");
            return maxDeleted == null ? null : maxDeleted.toString();
        } catch (RuntimeException e) {
            RedisFailure failure = RedisFailure.of(e);
            if (failure.is("ERR") && failure.detail().contains("no such key")) {
                return null;
            }
            throw e;
        }
    }

    /** A field of a reply that is a map (RESP3) or a flat list of names and values (RESP2). */
    static Response field(Response reply, String name) {
        if (reply.type() == ResponseType.MULTI && isMap(reply)) {
            return reply.containsKey(name) ? reply.get(name) : null;
        }
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            if (name.equals(reply.get(i).toString())) {
                return reply.get(i + 1);
            }
        }
        return null;
    }

    private static boolean isMap(Response reply) {
        try {
            reply.getKeys();
            return true;
        } catch (RuntimeException notAMap) {
            return false;
        }
    }

    private void checkRunId() {
        long now = System.nanoTime();
        if (now - runIdCheckedAt < RUN_ID_CHECK.toNanos()) {
            return;
        }
        // INFO through a script that names the stream: in cluster mode that runs on the master holding the stream
        // (a bare INFO goes to any node, whose run_id would differ from call to call)
        String info = redis.execute("EVAL", SERVER_INFO, "1", stream).toString();
        String current = info.lines().filter(l -> l.startsWith("run_id:")).map(l -> l.substring(7).trim())
                .findFirst().orElse("");
        runIdCheckedAt = now;
        clusterEpoch = Math.max(clusterEpoch, clusterEpoch());
        l2.epoch(current.substring(0, Math.min(8, current.length())) + "." + clusterEpoch + ":");
        if (position.observeRunId(current)) {
            lost("Redis restarted or failed over (run_id changed)");
        }
    }

    /** Redis Cluster's {@code cluster_current_epoch} (raised by every failover); 0 on a standalone Redis. */
    private long clusterEpoch() {
        try {
            String info = redis.execute("CLUSTER", "INFO").toString();
            return info.lines().filter(l -> l.startsWith("cluster_current_epoch:"))
                    .mapToLong(l -> Long.parseLong(l.substring(22).trim())).findFirst().orElse(0);
        } catch (RuntimeException standalone) {
            return 0;
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
