package io.catalog.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Several pods of the packaged service on one Redis (or one {@link RedisCluster}) and one dynalite, started and
 * stopped by the test: the normal deployment (pods behind a load balancer), on one machine.
 */
public final class PodCluster implements AutoCloseable {

    /** The pods' cursor secret: they run the packaged application, which refuses the built-in one. */
    public static final String CURSOR_SECRET = "pod-cluster-cursor-secret-0123456789abcdef";
    /** The stream name pods on a Redis Cluster are given: hash-tagged, as the README asks for cluster mode. */
    public static final String CLUSTER_STREAM = "{catalog}:events";

    private volatile RedisServer redis;
    private RedisCluster redisCluster;
    private final Dynalite dynalite;
    private final List<Pod> pods = new ArrayList<>();
    private RedisFailoverProxy proxy;
    private LaggingDynamo lagging;

    private PodCluster(RedisServer redis, Dynalite dynalite) {
        this.redis = redis;
        this.dynalite = dynalite;
    }

    /** Starts Redis, dynalite and {@code size} pods with extra environment variables, and waits for them. */
    public static PodCluster start(int size, Map<String, String> extraEnvironment) {
        return start(size, extraEnvironment, false);
    }

    /**
     * As {@link #start(int, Map)}, with the pods connected to Redis through a {@link RedisFailoverProxy}, so that
     * {@link #failOverToAnEmptyRedis()} can replace Redis under them without a connection failure.
     */
    public static PodCluster startBehindFailoverProxy(int size, Map<String, String> extraEnvironment) {
        return start(size, extraEnvironment, true);
    }

    private static PodCluster start(int size, Map<String, String> extraEnvironment, boolean proxied) {
        RedisServer redis = RedisServer.start();
        Dynalite dynalite = Dynalite.start();
        PodCluster cluster = new PodCluster(redis, dynalite);
        try {
            if (proxied) {
                cluster.proxy = RedisFailoverProxy.start(redis.port());
            }
            cluster.startPods(size, extraEnvironment);
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
            cluster = new PodCluster(null, Dynalite.start());
        } catch (RuntimeException e) {
            redisCluster.close();
            throw e;
        }
        cluster.redisCluster = redisCluster;
        try {
            cluster.startPods(size, extraEnvironment);
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
            return new PodCluster(redis, Dynalite.start());
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
        return startPods(size, extraEnvironment, jarUnderTest());
    }

    /**
     * The service's jar the pods run: {@code target/quarkus-app/quarkus-run.jar}, or the one the system property
     * {@code pods.jar} names (another build, for example the commit before a fix, to see a test fail on it).
     */
    public static Path jarUnderTest() {
        String other = System.getProperty("pods.jar");
        return other != null && !other.isBlank() ? Path.of(other)
                : projectRoot().resolve("target/quarkus-app/quarkus-run.jar");
    }

    /**
     * {@link #startPods(int, Map)} with another build of the service ({@code jar}), for example to compare two
     * versions in one benchmark run.
     */
    public List<Pod> startPods(int size, Map<String, String> extraEnvironment, Path jar) {
        Map<String, String> environment = environment();
        if (proxy != null) {
            environment.put("QUARKUS_REDIS_HOSTS", proxy.url());
        }
        if (lagging != null) {
            environment.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", lagging.endpoint());
        }
        environment.putAll(extraEnvironment);
        List<Pod> started = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Pod pod = Pod.start(name(pods.size()), jar, environment);
            pods.add(pod);
            started.add(pod);
        }
        CompletableFuture.allOf(started.stream()
                .map(p -> CompletableFuture.runAsync(() -> p.awaitReady(Duration.ofSeconds(90))))
                .toArray(CompletableFuture[]::new)).join();
        return started;
    }

    /** The name of the pod started {@code index}-th: pod-a to pod-z, then pod-aa, pod-ab and on (a long fault run). */
    static String name(int index) {
        StringBuilder letters = new StringBuilder();
        for (int i = index; i >= 0; i = i / 26 - 1) {
            letters.insert(0, (char) ('a' + i % 26));
        }
        return "pod-" + letters;
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
        env.put("MP_JWT_VERIFY_ISSUER", AdminTokens.ISSUER);
        env.put("CATALOG_CURSOR_SECRET", CURSOR_SECRET);
        // the packaged service runs in the prod profile, which refuses the dev key unless told otherwise
        env.put("CATALOG_JWT_ALLOW_DEV_KEY", "true");
        // every request comes from 127.0.0.1: a test that wants rate limits passes CATALOG_RATE_LIMIT_ENABLED=true
        env.put("CATALOG_RATE_LIMIT_ENABLED", "false");
        // the consistency checker would repair what the multi-pod tests must see stale (and move sequences under
        // them); a test of the checker passes CATALOG_CONSISTENCY_ENABLED=true
        env.put("CATALOG_CONSISTENCY_ENABLED", "false");
        return env;
    }

    /** The project's root folder (where {@code pom.xml} is), as the pods see it. */
    public static Path projectRoot() {
        return LocalStackPaths.projectRoot();
    }

    public List<Pod> pods() {
        return pods;
    }

    public Pod pod(int i) {
        return pods.get(i);
    }

    /** The Redis the pods use now; {@code null} on a Redis Cluster. */
    public RedisServer redis() {
        return redis;
    }

    /** The proxy between the pods and Redis ({@link #startBehindFailoverProxy}). */
    public RedisFailoverProxy proxy() {
        if (proxy == null) {
            throw new IllegalStateException("this cluster was not started behind a fail-over proxy");
        }
        return proxy;
    }

    /**
     * Starts a new, empty Redis, moves every pod's connections to it (none fails: see {@link RedisFailoverProxy})
     * and stops the old one: a fail-over to a replica that had nothing, seen from the pods.
     */
    public void failOverToAnEmptyRedis() {
        RedisServer replacement = RedisServer.start();
        proxy().failOver(replacement.port());
        RedisServer old = redis;
        redis = replacement;
        old.stop();
    }

    /** The Redis Cluster; {@code null} on a standalone Redis. */
    public RedisCluster redisCluster() {
        return redisCluster;
    }

    public Dynalite dynalite() {
        return dynalite;
    }

    /**
     * A {@link LaggingDynamo} in front of dynalite, started on first use: pods started after this call read through
     * it (eventually consistent reads that lag once {@link LaggingDynamo#lag} is set).
     */
    public synchronized LaggingDynamo laggingStore() {
        if (lagging == null) {
            lagging = LaggingDynamo.start(dynalite.endpoint());
        }
        return lagging;
    }

    /** An admin token minted now: the service refuses tokens issued more than an hour ago (long lab runs). */
    public String adminToken() {
        return AdminTokens.admin();
    }

    @Override
    public void close() {
        pods.forEach(Pod::close);
        if (proxy != null) {
            proxy.close();
        }
        if (lagging != null) {
            lagging.close();
        }
        if (redis != null) {
            redis.stop();
        }
        if (redisCluster != null) {
            redisCluster.close();
        }
        dynalite.stop();
    }
}
