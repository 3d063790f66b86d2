package io.catalog.events;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.catalog.cache.L2Cache;
import io.catalog.config.CatalogConfig;
import io.catalog.support.FreshRuns;
import io.catalog.support.LuaScripts;
import io.catalog.support.RedisFailure;
import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.redis.client.Response;

/**
 * Which Redis the pod talks to, the one owner of that knowledge: the {@code run_id} of the master that holds the event
 * stream, the cluster's failover epoch, and since when (Redis' clock) that master holds the data: an <em>incarnation</em>.
 * A new incarnation (a restart with empty data, a failover to a replica that may lack the newest writes) moves L2 to a new
 * key space ({@link L2Cache#keySpace}), and it tells a starting pod how far back the stream it finds can vouch for the
 * writes made before it started ({@link #check()}'s {@code sinceMillis}).
 * <p>
 * The first pod that sees an incarnation records when it saw it, in a key beside the stream ({@code <tag>:incarnation}, the
 * stream's hash slot, so the same master on Redis Cluster): {@code run_id|millis}. A pod that finds another
 * {@code run_id} there (a promoted replica kept the old master's key) or none (a restart with empty data) writes its
 * own. The feed checks at most once a second, within its rounds ({@link #checkIfDue()}), so that it sees a new
 * {@code run_id} before it trusts what it read; without a feed (the lab's TTL-only strategies) a timer does
 * ({@code lab.IdleFeed}).
 */
@ApplicationScoped
public class RedisIdentity {

    private static final Logger LOG = Logger.getLogger(RedisIdentity.class);
    public static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    /** KEYS[1] the stream (for its slot), KEYS[2] the incarnation key: run_id, Redis' time (ms) and the incarnation's start. */
    static final String CHECK = LuaScripts.load("redis-identity");

    /**
     * One answer.
     *
     * @param runId the stream master's {@code run_id}
     * @param clusterEpoch Redis Cluster's {@code cluster_current_epoch} (0 on a standalone Redis)
     * @param redisMillis Redis' clock when it answered
     * @param sinceMillis Redis' clock when a pod first saw this {@code run_id} hold the data
     */
    public record Identity(String runId, long clusterEpoch, long redisMillis, long sinceMillis) {

        /** What the incarnation key holds in this incarnation ({@code run_id|since}), as the stream-append script checks it. */
        public String token() {
            return runId + "|" + sinceMillis;
        }

        /** L2's key space in this incarnation. */
        public String keySpace() {
            return runId.substring(0, Math.min(8, runId.length())) + "." + clusterEpoch + ":";
        }
    }

    private final RedisDataSource redis;
    private final L2Cache l2;
    private final String stream;
    private final String incarnationKey;
    private long clusterEpoch;
    /** The incarnation L2's key space was last moved to, {@code null} until the first check. */
    private volatile Identity current;
    /** Written under the lock, read without it: {@link #due()} is asked on the event loop, beside a check in progress. */
    private volatile long checkedAt = System.nanoTime() - CHECK_EVERY.toNanos();
    private final FreshRuns<Identity> fresh = new FreshRuns<>(this::check, Infrastructure.getDefaultWorkerPool());

    public RedisIdentity(RedisDataSource redis, L2Cache l2, CatalogConfig config) {
        this.redis = redis;
        this.l2 = l2;
        this.stream = config.events().stream();
        this.incarnationKey = incarnationKey(stream);
    }

    /** The key beside {@code stream} (its hash slot) that names the incarnation: {@code run_id|since}. */
    static String incarnationKey(String stream) {
        return RedisStreamSink.hashTag(stream) + ":incarnation";
    }

    /**
     * Before the HTTP server takes requests, and before anything else at start-up writes (the demo catalog): L2 is
     * not used until its key space is known.
     */
    void start() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.infof("Redis identity unknown at start-up (L2 unused until it is): %s", RedisFailure.of(e).detail());
        }
    }

    /**
     * Whether {@link #checkIfDue()} would ask Redis now. Never waits: the feed asks it on the event loop, while a check
     * on a worker thread may hold the lock for as long as Redis takes to answer (the event loop waited for that, 3 s
     * once at a pod's start-up under load, and with it every request and Redis answer it serves).
     */
    public boolean due() {
        return System.nanoTime() - checkedAt >= CHECK_EVERY.toNanos();
    }

    /** As {@link #check()}, at most once every {@link #CHECK_EVERY}; {@code null} when not due. */
    public synchronized Identity checkIfDue() {
        return due() ? check() : null;
    }

    /** Asks Redis now (blocking) and moves L2 to the key space of what it answered. Redis failures propagate. */
    public synchronized Identity check() {
        Response answer = redis.execute("EVAL", CHECK, "2", stream, incarnationKey);
        checkedAt = System.nanoTime();
        clusterEpoch = Math.max(clusterEpoch, clusterEpoch());
        Identity identity = new Identity(answer.get(0).toString(), clusterEpoch, answer.get(1).toLong(),
                answer.get(2).toLong());
        l2.keySpace(identity.keySpace());
        current = identity;
        return identity;
    }

    /**
     * A {@link #check()} begun after this call, off the event loop, shared with the callers who asked while the one
     * before it ran: what a pod that may have missed a restart or a failover (its feed not trusted) waits for before it
     * reads what Redis holds in L2's key space. Fails as the check fails.
     */
    public Uni<Identity> checkedNow() {
        return Uni.createFrom().completionStage(fresh::ask);
    }

    /**
     * The incarnation whose key space L2 uses now (the last one checked), {@code null} before the first check: the
     * writer's markers and summary changes went there, so its events may be appended only to that incarnation's
     * stream ({@link RedisStreamSink}).
     */
    public Identity current() {
        return current;
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
}
