package io.catalog.testing;

import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Several pods of the packaged service on one Redis (or one {@link RedisCluster}) and one dynalite, started and
 * stopped by the test: the normal deployment (pods behind a load balancer), on one machine.
 */
public final class PodCluster implements AutoCloseable {

    public static final String ISSUER = "https://catalog.example.com/dev";
    /** The stream name pods on a Redis Cluster are given: hash-tagged, as the README asks for cluster mode. */
    public static final String CLUSTER_STREAM = "{catalog}:events";

    private final RedisServer redis;
    private RedisCluster redisCluster;
    private final Dynalite dynalite;
    private final List<Pod> pods = new ArrayList<>();
    private final String adminToken;

    private PodCluster(RedisServer redis, Dynalite dynalite, String adminToken) {
        this.redis = redis;
        this.dynalite = dynalite;
        this.adminToken = adminToken;
    }

    /** Starts Redis, dynalite and {@code size} pods with extra environment variables, and waits for them. */
    public static PodCluster start(int size, Map<String, String> extraEnvironment) {
        RedisServer redis = RedisServer.start();
        Dynalite dynalite = Dynalite.start();
        PodCluster cluster = new PodCluster(redis, dynalite, token());
        try {
            Map<String, String> environment = environment(redis, dynalite);
            environment.putAll(extraEnvironment);
            for (int i = 0; i < size; i++) {
                cluster.pods.add(Pod.start("pod-" + (char) ('a' + i), environment));
            }
            CompletableFuture.allOf(cluster.pods.stream()
                    .map(p -> CompletableFuture.runAsync(() -> p.awaitReady(Duration.ofSeconds(90))))
                    .toArray(CompletableFuture[]::new)).join();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Starts a Redis Cluster (3 masters, 3 replicas), dynalite and {@code size} pods configured for cluster mode
     * ({@code QUARKUS_REDIS_CLIENT_TYPE=cluster}, every node in {@code QUARKUS_REDIS_HOSTS}, the stream
     * {@link #CLUSTER_STREAM}), and waits for them.
     */
    public static PodCluster startOnRedisCluster(int size, Map<String, String> extraEnvironment) {
        RedisCluster redisCluster = RedisCluster.start();
        PodCluster cluster;
        try {
            cluster = new PodCluster(null, Dynalite.start(), token());
        } catch (RuntimeException e) {
            redisCluster.close();
            throw e;
        }
        cluster.redisCluster = redisCluster;
        try {
            Map<String, String> environment = cluster.environment();
            environment.putAll(extraEnvironment);
            for (int i = 0; i < size; i++) {
                cluster.pods.add(Pod.start("pod-" + (char) ('a' + i), environment));
            }
            CompletableFuture.allOf(cluster.pods.stream()
                    .map(p -> CompletableFuture.runAsync(() -> p.awaitReady(Duration.ofSeconds(90))))
                    .toArray(CompletableFuture[]::new)).join();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The pods' environment: API.md section 1 for this cluster's Redis (or Redis Cluster) and dynalite. */
    private Map<String, String> environment() {
        if (redisCluster == null) {
            return environment(redis, dynalite);
        }
        Map<String, String> env = environment(redisCluster.hosts(), dynalite);
        env.put("QUARKUS_REDIS_CLIENT_TYPE", "cluster");
        env.put("CATALOG_EVENTS_STREAM", CLUSTER_STREAM);
        return env;
    }

    /**
     * Starts Redis and dynalite only, without pods: {@link #startPods} and {@link #stopPods} then run pods on them,
     * for example several times with different environments (the staleness lab) on the same data.
     */
    public static PodCluster startInfrastructure() {
        RedisServer redis = RedisServer.start();
        try {
            return new PodCluster(redis, Dynalite.start(), token());
        } catch (RuntimeException e) {
            redis.stop();
            throw e;
        }
    }

    /**
     * Starts {@code size} more pods on this cluster's Redis and dynalite with the environment of API.md section 1
     * plus {@code extraEnvironment}, and waits until they are ready.
     *
     * @return the pods started
     */
    public List<Pod> startPods(int size, Map<String, String> extraEnvironment) {
        Map<String, String> environment = environment();
        environment.putAll(extraEnvironment);
        List<Pod> started = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Pod pod = Pod.start("pod-" + (char) ('a' + pods.size()), environment);
            pods.add(pod);
            started.add(pod);
        }
        CompletableFuture.allOf(started.stream()
                .map(p -> CompletableFuture.runAsync(() -> p.awaitReady(Duration.ofSeconds(90))))
                .toArray(CompletableFuture[]::new)).join();
        return started;
    }

    /** Stops every pod (in parallel) and forgets them; Redis and dynalite keep running with their data. */
    public void stopPods() {
        CompletableFuture.allOf(pods.stream().map(p -> CompletableFuture.runAsync(p::close))
                .toArray(CompletableFuture[]::new)).join();
        pods.clear();
    }

    /**
     * Exactly the environment variables of API.md section 1: the test resource's settings in their environment
     * variable form ({@code quarkus.redis.hosts} → {@code QUARKUS_REDIS_HOSTS}) and the admin token settings.
     */
    static Map<String, String> environment(RedisServer redis, Dynalite dynalite) {
        return environment(redis.url(), dynalite);
    }

    private static Map<String, String> environment(String redisHosts, Dynalite dynalite) {
        Map<String, String> env = new HashMap<>();
        LocalStackResource.config(redisHosts, dynalite)
                .forEach((property, value) -> env.put(property.toUpperCase().replaceAll("[.-]", "_"), value));
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION",
                LocalStackPaths.projectRoot().resolve("dev/jwt/publicKey.pem").toString());
        env.put("MP_JWT_VERIFY_ISSUER", ISSUER);
        return env;
    }

    private static String token() {
        try {
            PrivateKey key = KeyUtils.decodePrivateKey(java.nio.file.Files.readString(
                    LocalStackPaths.projectRoot().resolve("dev/jwt/privateKey.pem")));
            return Jwt.issuer(ISSUER).subject("pod-cluster-test").groups(Set.of("catalog-admin"))
                    .expiresIn(Duration.ofHours(2)).sign(key);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot mint a test token from dev/jwt/privateKey.pem", e);
        }
    }

    /** The project's root folder (where {@code pom.xml} is), as the pods see it. */
    public static java.nio.file.Path projectRoot() {
        return LocalStackPaths.projectRoot();
    }

    public List<Pod> pods() {
        return pods;
    }

    public Pod pod(int i) {
        return pods.get(i);
    }

    /** The standalone Redis; {@code null} on a Redis Cluster. */
    public RedisServer redis() {
        return redis;
    }

    /** The Redis Cluster; {@code null} on a standalone Redis. */
    public RedisCluster redisCluster() {
        return redisCluster;
    }

    public Dynalite dynalite() {
        return dynalite;
    }

    public String adminToken() {
        return adminToken;
    }

    @Override
    public void close() {
        pods.forEach(Pod::close);
        if (redis != null) {
            redis.stop();
        }
        if (redisCluster != null) {
            redisCluster.close();
        }
        dynalite.stop();
    }
}
