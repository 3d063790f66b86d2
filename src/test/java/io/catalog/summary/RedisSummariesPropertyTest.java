package io.catalog.summary;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.catalog.cache.L2Cache;
import io.catalog.model.CategorySummary;
import io.catalog.model.SummaryState;
import io.catalog.summary.RedisSummaries.Change;
import io.catalog.summary.RedisSummaries.Outcome;
import io.catalog.summary.RedisSummaries.Status;
import io.catalog.testing.RedisCluster;
import io.catalog.testing.RedisServer;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/**
 * The incremental summary script against a real Redis, property-style: random creates, price changes, moves and
 * deletes, delivered by "relays" in random batches, out of order and duplicated, and now and then Redis' data lost
 * and repaired in two passes (the first from a store read that lags behind, as a lagging index would, the second from
 * the store as it is); at the end every category's summary equals a full recomputation from the
 * final state, and along the way no version ever went down, and none stayed the same while the content changed.
 */
@Tag("slow")
class RedisSummariesPropertyTest {

    static final List<String> CATEGORIES = List.of("books", "games", "music", "toys");
    static final int PRODUCTS = 12;

    static Vertx vertx;
    static RedisServer server;
    static Redis client;
    static RedisSummaries summaries;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = RedisServer.start();
        client = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()));
        summaries = summaries(client);
    }

    @AfterAll
    static void stop() {
        client.close();
        vertx.closeAndAwait();
        server.stop();
    }

    static RedisSummaries summaries(Redis client) {
        return summaries(client, "t:" + System.nanoTime() + ":");
    }

    /** A pod's summaries over {@code client}, with the key prefix its L2 uses (pods of one deployment share it). */
    static RedisSummaries summaries(Redis client, String prefix) {
        ReactiveRedisDataSourceImpl redis = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
        L2Cache l2 = new L2Cache(redis, prefix, Duration.ofSeconds(5), 0);
        l2.keySpace("");
        return new RedisSummaries(redis, l2, Duration.ofSeconds(5), Duration.ofMinutes(5));
    }

    @Test
    void incrementalSummariesEqualAFullRecomputationWhateverTheDelivery() {
        for (int seed = 0; seed < 150; seed++) {
            new Run(summaries, new Random(seed), seed % 5 == 0).go(80);
        }
    }

    @Test
    void aCategorysScheduledRepairIsClaimedByOnePodAnInterval() {
        String prefix = "claim:" + System.nanoTime() + ":";
        RedisSummaries podA = summaries(client, prefix);
        RedisSummaries podB = summaries(client, prefix);
        Duration interval = Duration.ofMillis(500);

        assertThat(podA.claimRepair("books", interval).await().indefinitely()).as("first claim").isTrue();
        assertThat(podB.claimRepair("books", interval).await().indefinitely()).as("another pod, same interval").isFalse();
        assertThat(podA.claimRepair("books", interval).await().indefinitely()).as("the same pod again").isFalse();
        assertThat(podB.claimRepair("games", interval).await().indefinitely()).as("another category").isTrue();
        // the claim lapses with its interval (Redis' PX): the next interval's repair is claimed again
        Awaitility.await("the claim lapses").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> podB.claimRepair("books", interval).await().indefinitely());
        assertThat(podA.claimRepair("books", interval).await().indefinitely()).as("claimed by the other pod").isFalse();
    }

    @Test
    void theSameHoldsOnARedisCluster() {
        try (RedisCluster cluster = RedisCluster.start()) {
            RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER);
            cluster.nodes().forEach(n -> options.addConnectionString(n.url()));
            Redis clustered = Redis.createClient(vertx, options);
            try {
                RedisSummaries onCluster = summaries(clustered);
                for (int seed = 0; seed < 20; seed++) {
                    new Run(onCluster, new Random(seed), false).go(60);
                }
            } finally {
                clustered.close();
            }
        }
    }

    /** A product's state in the store: its newest sequence, and its category and price unless deleted. */
    record Item(String id, long sequence, String category, BigDecimal price) {
        boolean live() {
            return category != null;
        }
    }

    /** One event, as the relay turns it into per-category changes. */
    record Event(String id, long sequence, String category, String previousCategory, BigDecimal price) {
    }

    static final class Run {
        final RedisSummaries summaries;
        final Random random;
        final boolean losesData;
        final AtomicLong sequences = new AtomicLong();
        final Map<String, Item> store = new TreeMap<>();
        final List<Event> pending = new ArrayList<>();
        final Map<String, SummaryState> seen = new HashMap<>();
        final String prefix;
        Map<String, Item> behind = Map.of();
        String lost;

        Run(RedisSummaries summaries, Random random, boolean losesData) {
            this.summaries = summaries;
            this.random = random;
            this.losesData = losesData;
            this.prefix = "r" + random.nextLong() + "-";
        }

        void go(int steps) {
            CATEGORIES.forEach(c -> repair(c, store));
            for (int i = 0; i < steps; i++) {
                write();
                if (random.nextInt(3) == 0) {
                    deliverSome();
                }
                if (i % 6 == 0) {
                    behind = new TreeMap<>(store);
                }
                if (losesData && lost == null && random.nextInt(30) == 0) {
                    lost = CATEGORIES.get(random.nextInt(CATEGORIES.size()));
                    summaries.keys(category(lost)).forEach(k -> server.command("DEL", k));
                } else if (lost != null && random.nextInt(4) == 0) {
                    // the first pass reads an index that lags behind; the second, after it settled, the truth
                    repair(lost, behind);
                    repair(lost, store);
                    lost = null;
                }
            }
            if (lost != null) {
                repair(lost, behind);
                repair(lost, store);
            }
            while (!pending.isEmpty()) {
                deliverSome();
            }
            if (losesData) {
                // everything applied, then lost: only the second pass sees what the lagging index did not show
                lost = CATEGORIES.get(random.nextInt(CATEGORIES.size()));
                summaries.keys(category(lost)).forEach(k -> server.command("DEL", k));
                repair(lost, behind);
                repair(lost, store);
                lost = null;
            }
            for (String c : CATEGORIES) {
                Outcome read = summaries.read(category(c)).await().atMost(Duration.ofSeconds(5));
                observe(c, read.state());
                List<BigDecimal> prices = store.values().stream().filter(p -> category(c).equals(p.category()))
                        .map(Item::price).toList();
                assertThat(read.state().count()).as("count of %s", c).isEqualTo(prices.size());
                if (!prices.isEmpty()) {
                    CategorySummary expected = CategorySummary.of(category(c), prices, "USD");
                    assertThat(read.state().toSummary("USD")).as("summary of %s", c).isEqualTo(expected);
                }
            }
        }

        String category(String c) {
            return prefix + c;
        }

        /** A create, a price change, a move or a delete of a random product, durable with its event pending. */
        void write() {
            String id = "p" + random.nextInt(PRODUCTS);
            Item current = store.get(id);
            long seq = sequences.incrementAndGet();
            String category = category(CATEGORIES.get(random.nextInt(CATEGORIES.size())));
            BigDecimal price = BigDecimal.valueOf(1 + random.nextInt(5000), 2);
            Item next;
            if (current == null || !current.live()) {
                next = new Item(id, seq, category, price);
            } else {
                switch (random.nextInt(4)) {
                    case 0 -> next = new Item(id, seq, null, null);
                    case 1 -> next = new Item(id, seq, category, current.price());
                    default -> next = new Item(id, seq, current.category(), price);
                }
            }
            String previous = current != null && current.live() && next.live()
                    && !current.category().equals(next.category()) ? current.category() : null;
            store.put(id, next);
            Event event = new Event(id, seq, next.live() ? next.category() : current.category(), previous,
                    next.price());
            pending.add(event);
        }

        /** A relay publishes a random batch (re-ordered); some events stay pending to be published again. */
        void deliverSome() {
            Collections.shuffle(pending, random);
            int n = 1 + random.nextInt(Math.min(pending.size(), 4));
            List<Event> batch = new ArrayList<>(pending.subList(0, n));
            if (random.nextBoolean()) {
                pending.subList(0, n).clear();
            } else {
                pending.remove(0);
            }
            batch.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
            Map<String, List<Change>> perCategory = new LinkedHashMap<>();
            for (Event e : batch) {
                perCategory.computeIfAbsent(e.category(), c -> new ArrayList<>()).add(new Change(e.id(),
                        e.sequence(), e.price() == null ? null : SummaryState.minor(e.price())));
                if (e.previousCategory() != null) {
                    perCategory.computeIfAbsent(e.previousCategory(), c -> new ArrayList<>())
                            .add(new Change(e.id(), e.sequence(), null));
                }
            }
            perCategory.forEach((c, changes) -> {
                long relabel = 0;
                for (int attempt = 0; attempt < 5; attempt++) {
                    Outcome outcome = summaries.apply(c, changes, relabel).await().atMost(Duration.ofSeconds(5));
                    if (outcome.status() == Status.MISSING) {
                        assertThat(c).isEqualTo(category(lost));
                        return;
                    }
                    if (outcome.status() != Status.RELABEL) {
                        observe(c.substring(prefix.length()), outcome.state());
                        return;
                    }
                    assertThat(outcome.needed()).isLessThanOrEqualTo(sequences.get());
                    relabel = sequences.incrementAndGet();
                }
                throw new AssertionError("no relabel took");
            });
        }

        /** A repair: every product's state as this category sees it in {@code read}, then a fresh sequence. */
        void repair(String c, Map<String, Item> read) {
            List<Change> states = read.values().stream().map(p -> new Change(p.id(), p.sequence(),
                    category(c).equals(p.category()) ? SummaryState.minor(p.price()) : null)).toList();
            Outcome outcome;
            do {
                long reserved = sequences.incrementAndGet();
                outcome = summaries.repair(category(c), states, reserved, Duration.ZERO, 0)
                        .await().atMost(Duration.ofSeconds(5));
            } while (outcome.status() == Status.RELABEL);
            observe(c, outcome.state());
        }

        /** Versions never go down, and rise whenever the content changes. */
        void observe(String c, SummaryState state) {
            SummaryState before = seen.put(c, state);
            if (before == null) {
                return;
            }
            assertThat(state.version()).as("version of %s", c).isGreaterThanOrEqualTo(before.version());
            boolean sameContent = before.count() == state.count() && before.sum() == state.sum()
                    && before.min() == state.min() && before.max() == state.max();
            if (!sameContent) {
                assertThat(state.version()).as("version of %s after its content changed", c)
                        .isGreaterThan(before.version());
            }
        }
    }
}
