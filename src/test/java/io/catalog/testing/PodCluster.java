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
 * Several pods of the packaged service on one Redis and one dynalite, started and stopped by the test: the normal
 * deployment (pods behind a load balancer), on one machine.
 */
public final class PodCluster implements AutoCloseable {

    public static final String ISSUER = "https://catalog.example.com/dev";
    /** The audience the service expects by default ({@code mp.jwt.verify.audiences}). */
    public static final String AUDIENCE = "catalog-service";

    private final RedisServer redis;
    private final Dynalite dynalite;
    private final List<Pod> pods = new ArrayList<>();

    private PodCluster(RedisServer redis, Dynalite dynalite) {
        this.redis = redis;
        this.dynalite = dynalite;
    }

    /** Starts Redis, dynalite and {@code size} pods with extra environment variables, and waits for them. */
    public static PodCluster start(int size, Map<String, String> extraEnvironment) {
        RedisServer redis = RedisServer.start();
        Dynalite dynalite = Dynalite.start();
        PodCluster cluster = new PodCluster(redis, dynalite);
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
        Map<String, String> environment = environment(redis, dynalite);
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
        Map<String, String> env = new HashMap<>();
        LocalStackResource.config(redis, dynalite)
                .forEach((property, value) -> env.put(property.toUpperCase().replaceAll("[.-]", "_"), value));
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION",
                LocalStackPaths.projectRoot().resolve("dev/jwt/publicKey.pem").toString());
        env.put("MP_JWT_VERIFY_ISSUER", ISSUER);
        // the packaged service runs in the prod profile, which refuses the dev key unless told otherwise
        env.put("CATALOG_JWT_ALLOW_DEV_KEY", "true");
        // every request comes from 127.0.0.1: a test that wants rate limits passes CATALOG_RATE_LIMIT_ENABLED=true
        env.put("CATALOG_RATE_LIMIT_ENABLED", "false");
        return env;
    }

    private static String token() {
        try {
            PrivateKey key = KeyUtils.decodePrivateKey(java.nio.file.Files.readString(
                    LocalStackPaths.projectRoot().resolve("dev/jwt/privateKey.pem")));
            return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("pod-cluster-test").groups(Set.of("catalog-admin"))
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

    public RedisServer redis() {
        return redis;
    }

    public Dynalite dynalite() {
        return dynalite;
    }

    /** An admin token minted now: the service refuses tokens issued more than an hour ago (long lab runs). */
    public String adminToken() {
        return token();
    }

    @Override
    public void close() {
        pods.forEach(Pod::close);
        redis.stop();
        dynalite.stop();
    }
}
