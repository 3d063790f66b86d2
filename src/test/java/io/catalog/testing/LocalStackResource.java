package io.catalog.testing;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource that starts a real Redis ({@link RedisServer}) and a real DynamoDB
 * stand-in ({@link Dynalite}) on free ports and points the service at them.
 *
 * <p>
 * It is declared once, on {@link LocalStack}, and every {@code @QuarkusTest} runs against it: a test class does not
 * declare it again. Tests reach the running servers through
 * {@link #redis()} and {@link #dynalite()}, for instance to kill and restart Redis. Every start
 * uses a fresh table prefix ({@code test-xxxxxx-}), so tables never collide.
 */
public class LocalStackResource implements QuarkusTestResourceLifecycleManager {

    private static final String PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static volatile RedisServer redis;
    private static volatile Dynalite dynalite;

    /** The Redis started by the current test resource, or null when none runs. */
    public static RedisServer redis() {
        return redis;
    }

    /** The dynalite started by the current test resource, or null when none runs. */
    public static Dynalite dynalite() {
        return dynalite;
    }

    @Override
    public Map<String, String> start() {
        redis = RedisServer.start();
        dynalite = Dynalite.start();
        Map<String, String> config = config(redis, dynalite);
        config.put("catalog.dynamodb.table-prefix", "test-" + randomSuffix(6) + "-");
        return config;
    }

    /** The settings that point the service at a Redis and a dynalite (API.md section 1 names). */
    static Map<String, String> config(RedisServer redis, Dynalite dynalite) {
        return config(redis.url(), dynalite);
    }

    /** The same for any {@code quarkus.redis.hosts} (the nodes of a Redis Cluster, for one). */
    static Map<String, String> config(String redisHosts, Dynalite dynalite) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.redis.hosts", redisHosts);
        config.put("quarkus.dynamodb.endpoint-override", dynalite.endpoint());
        config.put("quarkus.dynamodb.aws.region", "us-east-1");
        config.put("quarkus.dynamodb.aws.credentials.type", "static");
        config.put("quarkus.dynamodb.aws.credentials.static-provider.access-key-id", "test");
        config.put("quarkus.dynamodb.aws.credentials.static-provider.secret-access-key", "test");
        config.put("catalog.dynamodb.create-tables", "true");
        return config;
    }

    @Override
    public void stop() {
        RedisServer r = redis;
        Dynalite d = dynalite;
        redis = null;
        dynalite = null;
        if (r != null) {
            r.stop();
        }
        if (d != null) {
            d.stop();
        }
    }

    private static String randomSuffix(int length) {
        StringBuilder suffix = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            suffix.append(PREFIX_ALPHABET.charAt(RANDOM.nextInt(PREFIX_ALPHABET.length())));
        }
        return suffix.toString();
    }
}
