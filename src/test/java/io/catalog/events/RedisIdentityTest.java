package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.catalog.cache.L2Cache;
import io.catalog.config.CatalogConfig;
import io.catalog.testing.RedisDataSources;
import io.catalog.testing.TestConfig;

/** Which Redis the pod talks to, asked of a real {@code redis-server}. */
class RedisIdentityTest {

    private static final CatalogConfig CONFIG = TestConfig.catalog(Map.of());

    /**
     * The feed asks {@link RedisIdentity#due()} on the event loop before each round. A check on a worker thread that
     * waits for a slow Redis (here: a frozen one) must not hold that question up: the event loop would wait with it,
     * and every request and Redis answer it serves (seen in the lab: an event loop blocked 3.2 s at a pod's start-up).
     */
    @Test
    void whetherACheckIsDueIsAnsweredWhileACheckWaitsForRedis() throws Exception {
        try (RedisDataSources redis = new RedisDataSources()) {
            RedisIdentity identity = new RedisIdentity(redis.blocking, new L2Cache(redis.reactive, CONFIG), CONFIG);
            identity.check();
            redis.server.pause();
            try {
                Thread checker = new Thread(() -> {
                    try {
                        identity.check();
                    } catch (RuntimeException redisFailed) {
                        // the frozen Redis answers nothing in the client's time
                    }
                }, "identity-check");
                checker.start();
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> checker.getState() == Thread.State.WAITING
                        || checker.getState() == Thread.State.TIMED_WAITING);

                CompletableFuture<Boolean> due = CompletableFuture.supplyAsync(identity::due);

                // a TimeoutException here: the question waited for the check, as the event loop would
                assertThat(due.get(1, TimeUnit.SECONDS)).isNotNull();
            } finally {
                redis.server.resume();
            }
        }
    }
}
