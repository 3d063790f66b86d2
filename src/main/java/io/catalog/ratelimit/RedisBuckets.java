package io.catalog.ratelimit;

import io.catalog.support.LuaScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * The buckets shared by every pod, in Redis: one Lua script per check, on Redis' own clock, so that a client gets
 * the same budget whichever pod answers it. The key {@code <prefix>{rl:<client>}:<limit>} carries a hash tag, so a
 * client's buckets live on one slot of a Redis Cluster; each expires once it would be full again.
 */
public final class RedisBuckets {

    /**
     * KEYS[1] bucket; ARGV rate per second, burst. Returns {allowed (0|1), tokens left (floor), wait in ms}.
     */
    public static final String SCRIPT = LuaScripts.load("rate-limit-bucket");

    private final ReactiveRedisDataSource redis;
    private final String prefix;

    RedisBuckets(ReactiveRedisDataSource redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    /** The Redis key of a client's bucket for {@code limit}. */
    public static String key(String prefix, String client, Limit limit) {
        return prefix + "{rl:" + client + "}:" + limit.name();
    }

    Uni<Decision> take(String client, Limit limit) {
        return redis.execute("EVAL", SCRIPT, "1", key(prefix, client, limit), Integer.toString(limit.rate()),
                Integer.toString(limit.burst())).map(RedisBuckets::decision);
    }

    private static Decision decision(Response reply) {
        return new Decision(reply.get(0).toInteger() == 1, reply.get(1).toLong(), reply.get(2).toLong());
    }
}
