package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.catalog.cache.L2Cache;
import io.catalog.config.CatalogConfig;
import io.catalog.events.EventSink.OutboundEvent;
import io.catalog.model.ProductUpdated;
import io.catalog.testing.RedisDataSources;
import io.catalog.testing.TestConfig;

/**
 * A writer writes its L2 markers in the key space of the Redis incarnation it knows, then appends the event. Redis
 * restarted empty in between (or before, unseen by the writer): the markers went where no pod that moved to the new
 * incarnation looks, so the append must fail and append nothing, and the publish is retried once the writer's L2 has
 * moved too. On a real {@code redis-server}, really restarted.
 */
class AppendIncarnationTest {

    private static RedisDataSources redis;
    private static final CatalogConfig CONFIG = TestConfig.catalog(Map.of());

    @BeforeAll
    static void start() {
        redis = new RedisDataSources();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static OutboundEvent event(long sequence) {
        ProductUpdated event = ProductUpdated.of("p" + sequence, "c", 1, sequence, BigDecimal.ONE, null, false,
                Instant.EPOCH, null);
        return new OutboundEvent(event, "{\"sequence\":" + sequence + "}");
    }

    private static long entries() {
        return redis.blocking.stream(String.class, String.class, String.class).xlen(CONFIG.events().stream());
    }

    @Test
    void anAppendAfterAnUnseenRestartFailsAndAppendsNothingUntilL2HasMoved() {
        L2Cache l2 = new L2Cache(redis.reactive, CONFIG);
        RedisIdentity identity = new RedisIdentity(redis.blocking, l2, CONFIG);
        RedisStreamSink sink = new RedisStreamSink(redis.reactive, CONFIG, identity, l2);
        identity.check();
        long before = entries();
        assertThat(sink.append(List.of(event(1)), sink.incarnation()).await().atMost(Duration.ofSeconds(5)))
                .isNotNull();
        assertThat(entries()).isEqualTo(before + 1);

        // the writer took the incarnation and wrote its markers there; then Redis restarted with empty data
        String startedIn = sink.incarnation();
        redis.server.restart();

        assertThatThrownBy(() -> sink.append(List.of(event(2)), startedIn).await().atMost(Duration.ofSeconds(5)))
                .hasMessageContaining("INCARNATION");
        assertThat(entries()).as("nothing appended in the new incarnation").isZero();

        // the refused append made the writer check Redis' identity: L2 (and the publish's retry) moved on
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !startedIn.equals(sink.incarnation()));
        assertThat(sink.append(List.of(event(2)), sink.incarnation()).await().atMost(Duration.ofSeconds(5)))
                .isNotNull();
        assertThat(entries()).isEqualTo(1);
    }

    /**
     * The same master back after a failover and a failback (Redis Cluster): the same {@code run_id}, but another
     * incarnation, whose start a pod wrote into the incarnation key when it saw it. A writer still in the first one
     * must not append.
     */
    @Test
    void anAppendAfterAFailbackToTheSameMasterFails() {
        L2Cache l2 = new L2Cache(redis.reactive, CONFIG);
        RedisIdentity identity = new RedisIdentity(redis.blocking, l2, CONFIG);
        RedisStreamSink sink = new RedisStreamSink(redis.reactive, CONFIG, identity, l2);
        identity.check();
        String startedIn = sink.incarnation();
        String runId = identity.current().runId();
        long entriesBefore = entries();

        redis.blocking.value(String.class).set(RedisIdentity.incarnationKey(CONFIG.events().stream()),
                runId + "|" + (identity.current().sinceMillis() + 5_000));

        assertThatThrownBy(() -> sink.append(List.of(event(4)), startedIn).await().atMost(Duration.ofSeconds(5)))
                .hasMessageContaining("INCARNATION");
        assertThat(entries()).isEqualTo(entriesBefore);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !startedIn.equals(sink.incarnation()));
        assertThat(sink.append(List.of(event(4)), sink.incarnation()).await().atMost(Duration.ofSeconds(5)))
                .isNotNull();
    }

    @Test
    void aPublishBeforeTheIncarnationIsKnownFails() {
        L2Cache l2 = new L2Cache(redis.reactive, CONFIG);
        RedisStreamSink sink = new RedisStreamSink(redis.reactive, CONFIG,
                new RedisIdentity(redis.blocking, l2, CONFIG), l2);

        assertThat(sink.incarnation()).isNull();
        assertThatThrownBy(() -> sink.append(List.of(event(3)), null).await().atMost(Duration.ofSeconds(5)))
                .hasMessageContaining("not known");
    }
}
