package io.catalog.cache;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.catalog.config.CatalogConfig;
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
 */
@ApplicationScoped
public class L2Cache {

    private static final Logger LOG = Logger.getLogger(L2Cache.class);

    /**
     * KEYS[1] entry; ARGV version, kind, rest-of-entry, ttl ms. Sets unless the current entry is newer, or is as
     * new and is not just a marker being replaced by the data of that same version.
     */
    static final String CAS = """
            local cur = redis.call('GET', KEYS[1])
            local v = tonumber(ARGV[1])
            if cur then
              local bar = string.find(cur, '|', 1, true)
              local cv = tonumber(string.sub(cur, 1, bar - 1))
              local ck = string.sub(cur, bar + 1, bar + 1)
              if cv > v or (cv == v and not (ck == 'I' and ARGV[2] ~= 'I')) then return 0 end
            end
            redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3], 'PX', ARGV[4])
            return 1
            """;

    /** KEYS[1] entry: the entry and its remaining time to live in milliseconds. */
    static final String GET_WITH_TTL = """
            local v = redis.call('GET', KEYS[1])
            if not v then return nil end
            return {v, redis.call('PTTL', KEYS[1])}
            """;

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final boolean enabled;
    private final Duration timeout;
    private final double jitter;
    private volatile String epoch = "";

    @Inject
    public L2Cache(ReactiveRedisDataSource redis, CatalogConfig config) {
        this(redis, config.l2().keyPrefix(), config.lab().l2Enabled(), config.l2().timeout(), config.l2().jitter());
    }

    L2Cache(ReactiveRedisDataSource redis, String prefix, boolean enabled, Duration timeout, double jitter) {
        this.redis = redis;
        this.prefix = prefix;
        this.enabled = enabled;
        this.timeout = timeout;
        this.jitter = jitter;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Moves L2 to the key space of a Redis epoch (the stream master's run id and the cluster's failover epoch, as
     * the feed consumer reads them). After a failover the promoted replica may lack invalidation markers that the
     * old master acknowledged; the entries they condemned would be served until their TTL. A new epoch names new
     * keys, so nothing written before it is read again: L2 starts cold, and the old entries expire.
     */
    public void epoch(String epoch) {
        if (!epoch.equals(this.epoch)) {
            LOG.infof("L2 moves to Redis epoch %s: entries written before it are no longer read", epoch);
            this.epoch = epoch;
        }
    }

    private String key(String key) {
        return prefix + epoch + key;
    }

    /**
     * {@code key} in L2's key space (prefix and Redis epoch), for structures kept beside L2's entries (category
     * summaries): after a failover they start over exactly as L2 does.
     */
    public String keyOf(String key) {
        return key(key);
    }

    /** An entry and how long it has left to live. */
    public record Hit(CachedValue value, long ttlMillis) {
    }

    /** The entry under {@code key}, or {@code null} on a miss, a marker, or any Redis failure. */
    public Uni<Hit> get(String key) {
        if (!enabled) {
            return Uni.createFrom().nullItem();
        }
        return redis.execute("EVAL", GET_WITH_TTL, "1", key(key))
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
        CachedValue value = decode(response.get(0));
        return value == null ? null : new Hit(value, response.get(1).toLong());
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
        if (!enabled) {
            return Uni.createFrom().nullItem();
        }
        return redis.execute("EVAL", GET_WITH_TTL, "1", key(key)).ifNoItem().after(timeout).fail()
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
        return enabled ? redis.execute("DEL", key(key)).replaceWithVoid() : Uni.createFrom().voidItem();
    }

    /** Stores {@code value} unless a newer one is there; failures are ignored (the cache is optional). */
    public Uni<Void> put(String key, CachedValue value, Duration ttl) {
        if (!enabled || !value.cacheable()) {
            return Uni.createFrom().voidItem();
        }
        return cas(key, value.version(), value.exists() ? "D" : "N", rest(value), ttl)
                .ifNoItem().after(timeout).fail()
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Marks {@code key} as older than {@code version}. Failures propagate: the event relay retries until the
     * marker is set, because a lost marker would let a stale entry live until its TTL.
     */
    public Uni<Void> invalidate(String key, long version, Duration ttl) {
        if (!enabled) {
            return Uni.createFrom().voidItem();
        }
        return cas(key, version, "I", "||", ttl).replaceWithVoid();
    }

    private Uni<Response> cas(String key, long version, String kind, String rest, Duration ttl) {
        return redis.execute("EVAL", CAS, "1", key(key), Long.toString(version), kind, rest,
                Long.toString(withJitter(ttl, jitter).toMillis()));
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
