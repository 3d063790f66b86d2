package io.catalog.cache;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;

import io.catalog.config.CatalogConfig;
import io.catalog.support.LuaScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * The shared tier in Redis (ElastiCache in AWS). Every entry carries its version, and every write is a
 * compare-and-set in Lua that never replaces a newer version with an older one. Invalidation writes a
 * <em>marker</em> (version N, no body) rather than deleting: a slow reader that loaded version N-1 before the
 * change then cannot put it back (the stale-set race). Aggregates live under keys that carry their category's
 * generation, so a new generation simply names new keys; there is no global invalidation to need.
 * <p>
 * Entry format: {@code version|kind|token|surrogate keys|body}, kind {@code D} (document), {@code N} (known
 * absent) or {@code I} (invalidated marker). Reads fail soft: when Redis is slow or down, a read is a miss.
 * Produced at start-up by {@code lab.DesignWiring}.
 */
public class L2Cache {

    private static final Logger LOG = Logger.getLogger(L2Cache.class);

    /**
     * KEYS[1] entry; ARGV version, kind, rest-of-entry, ttl ms. Sets unless the current entry is newer, or is as
     * new and is not just a marker being replaced by the data of that same version.
     */
    static final String CAS = LuaScripts.load("l2-compare-and-set");

    /** KEYS[1] entry: the entry and its remaining time to live in milliseconds. */
    static final String GET_WITH_TTL = LuaScripts.load("l2-get-with-ttl");

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final Duration timeout;
    private final double jitter;
    /** The key space of the current Redis incarnation, or {@code null} until it is known (then L2 is not used). */
    private volatile String keySpace;

    public L2Cache(ReactiveRedisDataSource redis, CatalogConfig config) {
        this(redis, config.l2().keyPrefix(), config.l2().timeout(), config.l2().jitter());
    }

    /** Outside CDI (tests, benchmarks): the settings given directly. */
    public L2Cache(ReactiveRedisDataSource redis, String prefix, Duration timeout, double jitter) {
        this.redis = redis;
        this.prefix = prefix;
        this.timeout = timeout;
        this.jitter = jitter;
    }

    /** Whether Redis serves as a cache: always here; not in the lab's designs without L2 ({@code lab.AbsentL2}). */
    public boolean enabled() {
        return true;
    }

    /**
     * Moves L2 to the key space of a Redis incarnation (the stream master's run id and the cluster's failover epoch, as
     * {@code RedisIdentity} reads them). After a failover the promoted replica may lack invalidation markers that the
     * old master acknowledged; the entries they condemned would be served until their TTL. A new incarnation names new
     * keys, so nothing written before it is read again: L2 starts cold, and the old entries expire. Until the first
     * incarnation is known L2 is not used: reads miss, puts are skipped, markers fail (the relay retries them).
     */
    public void keySpace(String keySpace) {
        if (!keySpace.equals(this.keySpace)) {
            LOG.infof("L2 moves to Redis incarnation %s: entries written before it are no longer read", keySpace);
            this.keySpace = keySpace;
        }
    }

    /** Whether the key space is known (L2 is used only then). */
    public boolean ready() {
        return keySpace != null;
    }

    private String key(String key) {
        String space = keySpace;
        if (space == null) {
            throw new IllegalStateException("the Redis incarnation is not known yet: L2 is not used");
        }
        return prefix + space + key;
    }

    /**
     * {@code key} in L2's key space (prefix and Redis incarnation), for structures kept beside L2's entries (category
     * summaries): after a failover they start over exactly as L2 does.
     */
    public String keyOf(String key) {
        return key(key);
    }

    /**
     * What a read found: an entry and how long it has left to live, or a marker: {@code value} is {@code null} and
     * {@code marker} is the sequence it was raised to (-1 for an entry). A marker says that the key's value is at least
     * that new: a reader that has no floor as high (a pod that started after the change) then knows that an older
     * value from an eventually consistent read is stale.
     */
    public record Hit(CachedValue value, long ttlMillis, long marker) {

        public Hit(CachedValue value, long ttlMillis) {
            this(value, ttlMillis, -1);
        }

        public boolean isMarker() {
            return value == null;
        }
    }

    /** The entry or marker under {@code key}, or {@code null} on a miss or any Redis failure. */
    public Uni<Hit> get(String key) {
        return Uni.createFrom().deferred(() -> redis.execute("EVAL", GET_WITH_TTL, "1", key(key)))
                .ifNoItem().after(timeout).fail()
                .map(L2Cache::hit)
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("L2 read of %s failed: %s", key, failure.toString());
                    return null;
                });
    }

    private static Hit hit(Response response) {
        if (response == null || response.size() < 2) {
            return null;
        }
        String raw = response.get(0).toString();
        long ttl = response.get(1).toLong();
        if (isMarker(raw)) {
            return new Hit(null, ttl, Long.parseLong(raw.substring(0, raw.indexOf('|'))));
        }
        CachedValue value = decode(response.get(0));
        return value == null ? null : new Hit(value, ttl);
    }

    private static boolean isMarker(String raw) {
        int bar = raw.indexOf('|');
        return bar > 0 && raw.startsWith("I|", bar + 1) && raw.substring(0, bar).chars().allMatch(Character::isDigit);
    }

    /**
     * What L2 holds under {@code key}, as it is (markers and unreadable entries too), for inspection and the
     * consistency checker; {@code null} when there is nothing. Redis failures propagate.
     *
     * @param version the entry's version, or -1 when the entry cannot be read
     * @param kind {@code D} document, {@code N} known absent, {@code I} marker, {@code ?} unreadable
     * @param value what a read would be served ({@code null} for a marker or an unreadable entry)
     */
    public record Entry(long version, char kind, long ttlMillis, CachedValue value) {
    }

    public Uni<Entry> peek(String key) {
        return Uni.createFrom().deferred(() -> redis.execute("EVAL", GET_WITH_TTL, "1", key(key)))
                .ifNoItem().after(timeout).fail()
                .map(response -> response == null || response.size() < 2 ? null
                        : entry(response.get(0), response.get(1).toLong()));
    }

    private static Entry entry(Response raw, long ttlMillis) {
        try {
            String[] parts = raw.toString().split("\\|", 3);
            return new Entry(Long.parseLong(parts[0]), parts[1].charAt(0), ttlMillis, decode(raw));
        } catch (RuntimeException unreadable) {
            return new Entry(-1, '?', ttlMillis, null);
        }
    }

    /** Deletes the entry under {@code key} whatever it holds (the repair of an unreadable or corrupted entry). */
    public Uni<Void> evict(String key) {
        return Uni.createFrom().deferred(() -> redis.execute("DEL", key(key))).replaceWithVoid();
    }

    /**
     * Stores {@code value} unless a newer one is there; failures are ignored: a reader's put only saves the next
     * reader a load (a value missing from L2 is loaded again, never served stale).
     */
    public Uni<Void> put(String key, CachedValue value, Duration ttl) {
        return write(key, value, ttl).onFailure().recoverWithNull();
    }

    /**
     * As {@link #put}, for the publish of a change in {@code write-through} mode: failures (a timeout included)
     * propagate, so the publish fails and is retried: an entry the write did not replace would otherwise keep the old
     * version for the rest of its TTL, longer than any floor or start-up replay remembers the change.
     */
    public Uni<Void> write(String key, CachedValue value, Duration ttl) {
        if (!value.cacheable()) {
            return Uni.createFrom().voidItem();
        }
        return cas(key, value.version(), value.exists() ? "D" : "N", rest(value), ttl)
                .ifNoItem().after(timeout).fail()
                .replaceWithVoid();
    }

    /**
     * Marks {@code key} as older than {@code version} (the marker names {@code key} as its token: product entries are
     * keyed by their token). Failures, a timeout included, propagate: the event relay retries until the marker is
     * set, because a lost marker would let a stale entry live until its TTL.
     */
    public Uni<Void> invalidate(String key, long version, Duration ttl) {
        return cas(key, version, "I", key + "||", ttl).ifNoItem().after(timeout).fail().replaceWithVoid();
    }

    private Uni<Response> cas(String key, long version, String kind, String rest, Duration ttl) {
        return Uni.createFrom().deferred(() -> redis.execute("EVAL", CAS, "1", key(key), Long.toString(version), kind,
                rest, Long.toString(withJitter(ttl, jitter).toMillis())));
    }

    static String rest(CachedValue value) {
        return value.token() + '|' + String.join(" ", value.surrogateKeys()) + '|'
                + (value.body() == null ? "" : value.body());
    }

    static CachedValue decode(Response response) {
        if (response == null) {
            return null;
        }
        String[] parts = response.toString().split("\\|", 5);
        if (parts.length < 5 || parts[1].equals("I")) {
            return null;
        }
        long version = Long.parseLong(parts[0]);
        List<String> keys = parts[3].isEmpty() ? List.of() : Arrays.asList(parts[3].split(" "));
        return parts[1].equals("D") ? CachedValue.found(parts[4], version, parts[2], keys)
                : CachedValue.absent(version, parts[2], keys);
    }

    /** The TTL of an entry with random jitter added, so that entries written together do not expire together. */
    public static Duration withJitter(Duration ttl, double jitter) {
        long extra = (long) (ttl.toMillis() * jitter * ThreadLocalRandom.current().nextDouble());
        return ttl.plusMillis(extra);
    }
}
