package io.catalog.edge;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.catalog.config.CatalogConfig;
import io.catalog.events.Appended;
import io.catalog.events.FeedEntry;
import io.catalog.events.PodAcks;
import io.catalog.events.StreamWorker;
import io.catalog.events.StreamWorkers;
import io.catalog.model.ProductUpdated;
import io.catalog.support.Json;
import io.catalog.support.PodIdentity;
import io.catalog.support.RedisFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * Feeds the {@link EdgePurger} so that each event is purged by one pod only, not by every pod that reads the feed.
 *
 * <p>
 * It reads the events stream through a Redis consumer group ({@code catalog.edge.purge.group}): {@code XGROUP
 * CREATE … $ MKSTREAM} once, then {@code XREADGROUP … >} under this pod's consumer name, so Redis hands every new
 * entry to exactly one pod of the group. An entry is acknowledged ({@code XACK}) only after its batch was purged on
 * every target; until then it stays in the group's pending list. Every quarter of {@code claim-idle} the reader
 * runs {@code XAUTOCLAIM} for entries pending longer than {@code claim-idle} (their pod died or kept failing) and
 * purges them itself. Delivery is therefore at least once: a pod that purged but died before acknowledging causes
 * one more purge of the same keys, which is harmless. Entries older than {@code give-up-after} are acknowledged
 * without a purge: the edge has expired them by then.
 *
 * <p>
 * A consumer group was chosen over a Redis lease per batch because it needs no extra coordination: Redis
 * already splits the stream between pods, and the pending list with {@code XAUTOCLAIM} is the take-over protocol a
 * lease would have to reinvent. If Redis loses the group (a restart with empty data), reads fail with
 * {@code NOGROUP}; the reader then creates it again from {@code 0}, so entries the outbox relay appended to the new
 * stream are purged too.
 *
 * <p>
 * A batch is handed to the purger once every live pod, this one included, has applied its events
 * ({@link PodAcks#awaitEverywhere}, at most {@code catalog.events.ack-timeout}): a purged edge refetches from any pod,
 * and one that had not applied the event yet would give it the old version to cache again until the settle re-purge.
 *
 * <p>
 * The reads are the rounds of a {@link StreamWorker}, with blocking commands, like the per-pod {@code FeedConsumer}
 * (rounds run one after the other, so the reader's state needs no lock); acknowledgements of completed batches are
 * queued and sent by the next round.
 */
@ApplicationScoped
public class PurgeFeed {

    private static final Logger LOG = Logger.getLogger(PurgeFeed.class);
    private static final Duration MIN_CLAIM_EVERY = Duration.ofMillis(100);

    /** The reader's settings; {@link #from(CatalogConfig)} takes them from the configuration. */
    public record Settings(String stream, String group, String consumer, Duration block, int count,
            Duration claimIdle, Duration giveUpAfter) {

        public static Settings from(CatalogConfig config, PodIdentity identity) {
            CatalogConfig.Edge.Purge purge = config.edge().purge();
            return new Settings(config.events().stream(), purge.group(), purge.consumer().orElseGet(identity::id),
                    config.events().blockTimeout(), config.events().batchSize(), purge.claimIdle(),
                    purge.giveUpAfter());
        }
    }

    private final StreamCommands<String, String, String> streams;
    private final EdgePurger purger;
    private final Json json;
    private final Settings settings;
    private final Clock clock;
    private final Queue<String> acks = new ConcurrentLinkedQueue<>();
    /**
     * The pods' acknowledgements of the events they applied ({@link PodAcks}), or {@code null} (tests that build a
     * reader by hand purge at once).
     */
    private final PodAcks pods;
    private final Counter claimed;
    private final Counter abandoned;
    private final StreamWorker worker;
    private boolean groupReady;
    private String groupStart = "$";
    private long nextClaim;
    private String claimCursor = "0-0";

    @Inject
    public PurgeFeed(RedisDataSource redis, EdgePurger purger, Json json, CatalogConfig config, Clock clock,
            StreamWorkers workers, MeterRegistry registry, PodIdentity identity, PodAcks pods) {
        this(redis, purger, json, Settings.from(config, identity), clock, workers, registry, pods);
    }

    public PurgeFeed(RedisDataSource redis, EdgePurger purger, Json json, Settings settings, Clock clock,
            StreamWorkers workers, MeterRegistry registry, PodAcks pods) {
        this.pods = pods;
        this.streams = redis.stream(String.class, String.class, String.class);
        this.purger = purger;
        this.json = json;
        this.settings = settings;
        this.clock = clock;
        this.claimed = Counter.builder("catalog.edge.purge.claimed")
                .description("Events taken over from another consumer of the purge group").register(registry);
        this.abandoned = Counter.builder("catalog.edge.purge.abandoned")
                .description("Events acknowledged without a purge (too old, or unreadable)").register(registry);
        this.worker = workers.create("purge-feed", this::step, this::failed);
    }

    void onStart(@Observes StartupEvent event) {
        if (purger.enabled()) {
            start();
        }
    }

    /** Starts reading. */
    public void start() {
        worker.start();
        LOG.infof("Edge purge: consumer %s of group %s on %s", settings.consumer(), settings.group(),
                settings.stream());
    }

    /** Stops reading; batches already handed to the purger are still purged but may not be acknowledged. */
    public void stop() {
        worker.stop();
    }

    /** Redis lost the group (restarted empty): create it again, from the start of the new stream. */
    private void failed(RedisFailure failure) {
        if (failure.is("NOGROUP")) {
            groupReady = false;
            groupStart = "0";
        }
    }

    private void step() {
        ensureGroup();
        acknowledge();
        claimStale();
        dispatch(streams.xreadgroup(settings.group(), settings.consumer(), settings.stream(), ">",
                new XReadGroupArgs().count(settings.count()).block(settings.block())));
        acknowledge();
    }

    private void ensureGroup() {
        if (groupReady) {
            return;
        }
        try {
            streams.xgroupCreate(settings.stream(), settings.group(), groupStart, new XGroupCreateArgs().mkstream());
        } catch (RuntimeException e) {
            if (!RedisFailure.of(e).is("BUSYGROUP")) {
                throw e;
            }
        }
        groupReady = true;
    }

    private void acknowledge() {
        List<String> ids = new ArrayList<>();
        for (String id = acks.poll(); id != null; id = acks.poll()) {
            ids.add(id);
        }
        if (!ids.isEmpty()) {
            streams.xack(settings.stream(), settings.group(), ids.toArray(String[]::new));
        }
    }

    private void claimStale() {
        long now = System.nanoTime();
        if (now - nextClaim < 0) {
            return;
        }
        ClaimedMessages<String, String, String> taken = streams.xautoclaim(settings.stream(), settings.group(),
                settings.consumer(), settings.claimIdle(), claimCursor, settings.count());
        claimCursor = taken.getId() == null ? "0-0" : taken.getId();
        claimed.increment(taken.getMessages().size());
        dispatch(taken.getMessages());
        if ("0-0".equals(claimCursor)) {
            Duration every = settings.claimIdle().dividedBy(4);
            nextClaim = now + Math.max(every.toNanos(), MIN_CLAIM_EVERY.toNanos());
        }
    }

    private void dispatch(List<StreamMessage<String, String, String>> messages) {
        if (messages == null || messages.isEmpty()) {
            return;
        }
        long cutoff = clock.millis() - settings.giveUpAfter().toMillis();
        long readAt = System.nanoTime();
        String acksAtAppend = null;
        List<String> ids = new ArrayList<>(messages.size());
        List<ProductUpdated> events = new ArrayList<>(messages.size());
        for (StreamMessage<String, String, String> message : messages) {
            FeedEntry entry = FeedEntry.decode(message, json);
            if (entry.event() == null || entry.appendedAtMillis() < cutoff) {
                if (entry.unreadable()) {
                    LOG.warnf("Edge purge: unreadable event %s skipped", entry.id());
                }
                abandoned.increment();
                acks.add(entry.id());
            } else {
                ids.add(entry.id());
                events.add(entry.event());
                acksAtAppend = entry.acks();
            }
        }
        if (events.isEmpty()) {
            return;
        }
        // purge once every live pod, this one included, has applied the events: the edge refetches from any pod
        Appended newest = new Appended(ids.get(ids.size() - 1), acksAtAppend);
        Uni<Void> applied = pods == null ? Uni.createFrom().voidItem() : pods.awaitEverywhere(newest, readAt);
        applied.subscribe().with(ignored -> purger.submit(events).thenAccept(purged -> {
            if (purged) {
                acks.addAll(ids);
            }
        }));
    }
}
