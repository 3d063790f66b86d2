package io.catalog.service;

import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.L2Cache;
import io.catalog.cache.Served;
import io.catalog.cache.Tier;
import io.catalog.cache.TieredCache;
import io.catalog.config.CatalogConfig;
import io.catalog.events.RedisIdentity;
import io.catalog.model.Keys;
import io.catalog.model.ProductUpdated;
import io.catalog.store.CounterStore;
import io.catalog.store.ProductStore;
import io.catalog.store.StoreClients;
import io.catalog.store.StoredProduct;
import io.catalog.store.Tables;
import io.catalog.summary.RedisSummaries;
import io.catalog.summary.SummaryCoherence;
import io.catalog.support.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/**
 * Summaries maintained in Redis, seen from a second pod built in this JVM on the same Redis and store (its own L1,
 * floors and reads; fed the stream entries this application's relay wrote, as its feed consumer would be): after a
 * price change written through this application, the second pod serves the new summary from L1 without a single
 * store call; and when the structure is lost, a repair recomputes the right summary.
 */
@QuarkusTest
class SummaryReadsTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    CatalogWriter writer;
    @Inject
    CatalogReads reads;
    @Inject
    RedisSummaries redis;
    @Inject
    L2Cache l2;
    @Inject
    RedisDataSource redisData;
    @Inject
    StoreClients clients;
    @Inject
    Tables tables;
    @Inject
    Clock clock;
    @Inject
    Json json;
    @Inject
    CatalogConfig config;
    @Inject
    ScheduledExecutorService scheduler;
    @Inject
    RedisIdentity appIdentity;
    @Inject
    ReactiveRedisDataSource reactiveRedis;

    /** A second pod: its own L1 and floors, reads through stores that count their calls. */
    final class Pod {
        final L2Cache podL2;
        final RedisIdentity identity;
        final AtomicInteger storeCalls = new AtomicInteger();
        final CacheCoherence coherence = CacheCoherence.standalone(config, Ticker.systemTicker());
        final SummaryCoherence summaries = new SummaryCoherence(coherence, json, config, Ticker.systemTicker());
        final MeterRegistry registry = new SimpleMeterRegistry();
        final SummaryReads reads;
        String position = "0-0";

        Pod() {
            this(l2, redis, appIdentity);
        }

        /** With its own L2 (its key space), Redis summaries on it and identity checks that move it. */
        Pod(L2Cache podL2, RedisSummaries podSummaries, RedisIdentity identity) {
            this.podL2 = podL2;
            this.identity = identity;
            ProductStore products = new ProductStore(clients, tables, config) {
                @Override
                public Uni<List<StoredProduct>> allInCategory(String category) {
                    storeCalls.incrementAndGet();
                    return super.allInCategory(category);
                }

                @Override
                public Uni<Map<String, StoredProduct>> readConsistent(Collection<String> ids) {
                    storeCalls.incrementAndGet();
                    return super.readConsistent(ids);
                }
            };
            CounterStore counters = new CounterStore(clients, tables, clock) {
                @Override
                public Uni<Long> reserve(long count) {
                    storeCalls.incrementAndGet();
                    return super.reserve(count);
                }

                @Override
                public Uni<Generation> generation(String name) {
                    storeCalls.incrementAndGet();
                    return super.generation(name);
                }
            };
            reads = new SummaryReads(podSummaries, summaries, coherence, new TieredCache(coherence, podL2, registry),
                    products, counters, json, scheduler, config, new ListingMembers(products, coherence), identity,
                    registry);
            coherence.heartbeat();
            position = tail();
        }

        /** What this pod's feed consumer does with each new stream entry. */
        void hearNewEntries() {
            List<StreamMessage<String, String, String>> entries = redisData.stream(String.class, String.class, String.class)
                    .xrange(
                            config.events().stream(), StreamRange.of("(" + position, "+"));
            for (StreamMessage<String, String, String> entry : entries) {
                ProductUpdated event = json.read(entry.payload().get("event"), ProductUpdated.class);
                coherence.apply(event);
                summaries.heard(event, entry.payload().get("summaries"));
                position = entry.id();
            }
            coherence.heartbeat();
        }

        Served summary(String category) {
            return reads.summary(category).await().atMost(Duration.ofSeconds(10));
        }

        double repairs() {
            return registry.counter("catalog.summaries.repairs").count();
        }
    }

    private String tail() {
        List<StreamMessage<String, String, String>> newest = redisData.stream(String.class, String.class, String.class)
                .xrevrange(config.events().stream(), StreamRange.of("-", "+"), 1);
        return newest.isEmpty() ? "0-0" : newest.get(0).id();
    }

    private String create(String category, String price) {
        String id = uniqueId("s");
        WriteResult result = writer.put(id, "Summary item", category, new BigDecimal(price), null)
                .await().atMost(Duration.ofSeconds(10));
        assertThat(result.status()).isEqualTo(WriteResult.Status.CREATED);
        return id;
    }

    private static JsonNode body(Served served) throws Exception {
        return MAPPER.readTree(served.value().body());
    }

    /** Reads through this application until Redis holds a settled structure (the repair's second pass done). */
    private void settled(String category) {
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            reads.summary(category).await().atMost(Duration.ofSeconds(10));
            RedisSummaries.Outcome outcome = redis.read(category).await().atMost(Duration.ofSeconds(5));
            return outcome.state() != null && !outcome.settling();
        });
    }

    @Test
    void aPriceChangeIsAnL1HitOnAnotherPodWithoutAnyStoreCall() throws Exception {
        String category = uniqueCategory("sum");
        String a = create(category, "10.00");
        create(category, "20.00");
        settled(category);
        Pod other = new Pod();
        assertThat(body(other.summary(category)).path("avgPrice").decimalValue()).isEqualByComparingTo("15.00");

        writer.patchPrice(a, new BigDecimal("30.00"), null).await().atMost(Duration.ofSeconds(10));
        other.hearNewEntries();
        other.storeCalls.set(0);

        Served served = other.summary(category);
        assertThat(served.tier()).isEqualTo(Tier.L1);
        JsonNode summary = body(served);
        assertThat(summary.path("productCount").asLong()).isEqualTo(2);
        assertThat(summary.path("minPrice").decimalValue()).isEqualByComparingTo("20.00");
        assertThat(summary.path("maxPrice").decimalValue()).isEqualByComparingTo("30.00");
        assertThat(summary.path("avgPrice").decimalValue()).isEqualByComparingTo("25.00");
        assertThat(other.storeCalls).hasValue(0);
        // the writing pod answers the same, at the same version
        Served here = reads.summary(category).await().atMost(Duration.ofSeconds(10));
        assertThat(here.value().body()).isEqualTo(served.value().body());
        assertThat(here.value().version()).isEqualTo(served.value().version());
    }

    /**
     * A summary carried by an entry read while the feed catches up after a gap may be older than one whose entry was
     * lost: it must not go into L1 (only raise the floor), and once caught up the next entry's summary does.
     */
    @Test
    void aSummaryHeardWhileCatchingUpIsNotPutIntoL1() throws Exception {
        String category = uniqueCategory("sum");
        String a = create(category, "10.00");
        settled(category);
        Pod other = new Pod();
        other.summary(category);
        other.coherence.feedLost(); // a gap: L1 flushed, not caught up
        long epoch = other.coherence.l1().epoch();

        writer.patchPrice(a, new BigDecimal("12.00"), null).await().atMost(Duration.ofSeconds(10));
        List<StreamMessage<String, String, String>> entries = redisData.stream(String.class, String.class, String.class)
                .xrange(config.events().stream(), StreamRange.of("(" + other.position, "+"));
        StreamMessage<String, String, String> entry = entries.get(entries.size() - 1);
        ProductUpdated event = json.read(entry.payload().get("event"), ProductUpdated.class);
        other.summaries.heard(event, entry.payload().get("summaries"), epoch);

        assertThat(other.coherence.l1().get(Keys.summary(category))).as("not put while catching up").isNull();
        assertThat(other.coherence.floors().of(Keys.summary(category))).isGreaterThanOrEqualTo(event.sequence());

        other.coherence.heartbeat(); // caught up
        other.summaries.heard(event, entry.payload().get("summaries"), other.coherence.l1().epoch());
        assertThat(other.coherence.l1().get(Keys.summary(category))).as("put once caught up").isNotNull();
    }

    /**
     * While a pod awaits its own change of a category (or Redis fails), the summary is computed from the store and
     * labelled with the newest change it includes: a price change (no counter written for it) by its product's
     * sequence, a delete by its listing's membership generation.
     */
    @Test
    void aSummaryComputedFromTheStoreIsLabelledWithTheNewestChangeItIncludes() throws Exception {
        String category = uniqueCategory("sum");
        String a = create(category, "10.00");
        String b = create(category, "20.00");
        WriteResult patched = writer.patchPrice(a, new BigDecimal("30.00"), null).await().atMost(Duration.ofSeconds(10));
        Pod other = new Pod();
        other.summaries.await(category, Long.MAX_VALUE); // Redis may not include a change: the store answers

        Served served = other.summary(category);
        assertThat(served.tier()).isEqualTo(Tier.MISS);
        assertThat(served.value().cacheable()).isFalse();
        assertThat(body(served).path("avgPrice").decimalValue()).isEqualByComparingTo("25.00");
        assertThat(served.value().version()).isEqualTo(patched.product().sequence());

        long deleted = writer.delete(b, null).await().atMost(Duration.ofSeconds(10)).product().sequence();
        Served after = other.summary(category);
        assertThat(body(after).path("productCount").asLong()).isEqualTo(1);
        assertThat(after.value().version()).isEqualTo(deleted);
    }

    /**
     * A pod whose feed is not trusted (its lease ran out, or Redis restarted and it has not checked yet) may still be in
     * the key space of an incarnation that ended, whose structures nobody keeps up: before it reads Redis it checks
     * which incarnation Redis is (moving to the current key space), so it serves the current summary. Here the ended
     * incarnation's key space holds the category's structure as it was before a price change.
     */
    @Test
    void aPodWhoseFeedIsNotTrustedChecksRedisIdentityBeforeItReadsASummary() throws Exception {
        String category = uniqueCategory("sum");
        String a = create(category, "10.00");
        create(category, "20.00");
        settled(category);
        L2Cache ended = new L2Cache(reactiveRedis, config);
        ended.keySpace("ended000.0:");
        RedisSummaries onEnded = new RedisSummaries(reactiveRedis, ended, config);
        List<String> current = List.copyOf(redis.keys(category));
        List<String> old = List.copyOf(onEnded.keys(category));
        for (int i = 0; i < current.size(); i++) {
            redisData.execute("COPY", current.get(i), old.get(i), "REPLACE");
        }
        writer.patchPrice(a, new BigDecimal("30.00"), null).await().atMost(Duration.ofSeconds(10));
        Pod other = new Pod(ended, onEnded, new RedisIdentity(redisData, ended, config));
        other.coherence.feedLost();

        Served served = other.summary(category);

        assertThat(body(served).path("avgPrice").decimalValue()).isEqualByComparingTo("25.00");
        assertThat(served.tier()).as("Redis, once the key space is the current one").isEqualTo(Tier.L2);
        assertThat(ended.keyOf("x")).doesNotStartWith(config.l2().keyPrefix() + "ended000");
        redisData.key().del(old.toArray(String[]::new));
    }

    @Test
    void aLostStructureIsRepairedFromTheStore() throws Exception {
        String category = uniqueCategory("sum");
        String a = create(category, "1.00");
        String b = create(category, "2.05");
        create(category, "4.00");
        settled(category);
        writer.delete(b, null).await().atMost(Duration.ofSeconds(10));
        writer.patchPrice(a, new BigDecimal("3.00"), null).await().atMost(Duration.ofSeconds(10));
        long before = redis.read(category).await().atMost(Duration.ofSeconds(5)).state().version();

        redisData.key().del(redis.keys(category).toArray(String[]::new));
        Pod fresh = new Pod();
        Served repaired = fresh.summary(category);

        assertThat(fresh.repairs()).isEqualTo(1);
        assertThat(repaired.tier()).isEqualTo(Tier.MISS);
        assertThat(repaired.value().version()).isGreaterThan(before);
        JsonNode summary = body(repaired);
        assertThat(summary.path("productCount").asLong()).isEqualTo(2);
        assertThat(summary.path("minPrice").decimalValue()).isEqualByComparingTo("3.00");
        assertThat(summary.path("maxPrice").decimalValue()).isEqualByComparingTo("4.00");
        assertThat(summary.path("avgPrice").decimalValue()).isEqualByComparingTo("3.50");
        RedisSummaries.Outcome held = redis.read(category).await().atMost(Duration.ofSeconds(5));
        assertThat(held.state().count()).isEqualTo(2);
    }
}
