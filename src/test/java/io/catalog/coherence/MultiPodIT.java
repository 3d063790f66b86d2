package io.catalog.coherence;

import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;

/**
 * Three pods of the packaged service, as separate processes on one Redis and one dynalite, and the failures that
 * make caches serve stale prices: each test asserts that no pod does, outside a bounded propagation window.
 * Longer than 250 lines because the three pods are started once for all scenarios (a start costs tens of seconds).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiPodIT {

    /** The hard bound asserted here; the measured delays are far lower (docs/COHERENCE.md). */
    static final Duration BOUND = Duration.ofSeconds(2);

    protected PodCluster cluster;
    protected CatalogClient client;

    @BeforeAll
    void start() {
        cluster = startCluster();
        client = new CatalogClient(cluster.adminToken());
    }

    // ---- the Redis topology: one standalone server here, a Redis Cluster in MultiPodRedisClusterIT ----------

    protected PodCluster startCluster() {
        return PodCluster.start(3, Map.of());
    }

    /** Every Redis node dies (SIGKILL). */
    protected void killRedis() {
        cluster.redis().kill();
    }

    /** Redis comes back empty. */
    protected void restartRedis() {
        cluster.redis().restart();
    }

    /** The raw RESP answer of {@code XRANGE <stream> - +}. */
    protected String streamContents() {
        return cluster.redis().command("XRANGE", "catalog:events", "-", "+");
    }

    /** Every client connection to Redis is killed (CLIENT KILL TYPE normal). */
    protected void killClientConnections() {
        cluster.redis().command("CLIENT", "KILL", "TYPE", "normal");
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    protected Pod a() {
        return cluster.pod(0);
    }

    /** Every pod answers {@code id} from L1 (see {@link CatalogClient#warm}). */
    protected void warm(String id) {
        client.warm(cluster.pods(), id, BOUND);
    }

    protected void everyPodServes(String id, String price) {
        client.everyPodServes(cluster.pods(), id, price, BOUND);
    }

    @Test
    void aPriceChangeReachesEveryPod() {
        String id = uniqueId("p");
        client.put(a(), id, uniqueCategory("c"), "10.00");
        warm(id);

        client.patchPrice(cluster.pod(1), id, "11.50");

        everyPodServes(id, "11.50");
    }

    @Test
    void aDeleteReachesEveryPod() {
        String id = uniqueId("p");
        client.put(a(), id, uniqueCategory("c"), "10.00");
        warm(id);

        client.delete(cluster.pod(2), id);

        for (Pod pod : cluster.pods()) {
            CatalogClient.within(BOUND).alias(pod + " forgets " + id).until(() -> client.read(pod, id),
                    read -> read.status() == 404);
        }
    }

    @Test
    void aCategorySummaryChangeReachesEveryPod() {
        String category = uniqueCategory("c");
        client.put(a(), uniqueId("p"), category, "5.00");
        String id = uniqueId("p");
        client.put(a(), id, category, "7.00");
        for (Pod pod : cluster.pods()) {
            CatalogClient.within(BOUND).alias("summary of two on " + pod).until(() -> client.summary(pod, category),
                    summary -> summary != null && summary.get("productCount").asInt() == 2);
        }

        client.patchPrice(cluster.pod(1), id, "9.25");

        for (Pod pod : cluster.pods()) {
            CatalogClient.within(BOUND).alias("new summary on " + pod).until(() -> client.summary(pod, category),
                    summary -> summary != null
                            && summary.get("maxPrice").decimalValue().compareTo(new BigDecimal("9.25")) == 0
                            && summary.get("avgPrice").decimalValue().compareTo(new BigDecimal("7.12")) == 0); // 7.125, half-even
        }
    }

    /**
     * Summaries are maintained in Redis by the relay and carried by the events into every pod's L1: once a category's
     * summary is cached everywhere, a price change written through one pod is, on every other pod, an L1 hit of the
     * new summary the first time it is seen there, without a repair or a store computation.
     */
    @Test
    void aPriceChangeLeavesTheSummaryAnL1HitOnEveryPod() {
        String category = uniqueCategory("c");
        client.put(a(), uniqueId("p"), category, "5.00");
        String id = uniqueId("p");
        client.put(a(), id, category, "7.00");
        String path = "/categories/" + category + "/summary";
        // the first read repairs the structure, which is cached once the index has settled and a second pass ran
        for (Pod pod : cluster.pods()) {
            CatalogClient.within(Duration.ofSeconds(10)).alias("summary cached on " + pod)
                    .until(() -> pod.get(path).headers().firstValue("X-Cache").orElse(""), "L1"::equals);
        }
        Map<Pod, Double> storeWork = new java.util.HashMap<>();
        cluster.pods().forEach(pod -> storeWork.put(pod, summaryStoreWork(pod)));

        client.patchPrice(cluster.pod(1), id, "9.25");

        for (Pod pod : cluster.pods()) {
            java.net.http.HttpResponse<String> first = CatalogClient.within(BOUND).alias("new summary on " + pod)
                    .until(() -> pod.get(path), r -> r.body().contains("9.25"));
            assertThat(first.headers().firstValue("X-Cache")).as("tier on " + pod).hasValue("L1");
            assertThat(summaryStoreWork(pod)).as("repairs and store computations on " + pod)
                    .isEqualTo(storeWork.get(pod));
        }
    }

    private static double summaryStoreWork(Pod pod) {
        return pod.metric("catalog_summaries_repairs_total", "catalog_summaries_store_reads_total");
    }

    /**
     * One writer changes one hot product over and over through all pods while readers hammer every pod: a read
     * that starts after a pod answered version N never gets an older one from that pod, and a read that starts
     * more than the bound after a write was acknowledged never gets an older version than that write.
     */
    @Test
    void readsAreMonotonicUnderConcurrentWritesToAHotKey() throws Exception {
        String id = uniqueId("hot");
        client.put(a(), id, uniqueCategory("c"), "1.00");
        int writes = 150;
        AtomicBoolean writing = new AtomicBoolean(true);
        List<long[]> acknowledged = new java.util.concurrent.CopyOnWriteArrayList<>();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicLong reads = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(7);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (Pod pod : cluster.pods()) {
                AtomicLong newestAnswered = new AtomicLong();
                for (int r = 0; r < 2; r++) {
                    readers.add(pool.submit(() -> {
                        while (writing.get()) {
                            long floor = newestAnswered.get();
                            long startedAt = System.nanoTime();
                            CatalogClient.Read read = client.read(pod, id);
                            reads.incrementAndGet();
                            if (read.sequence() < floor) {
                                violations.add(pod + " answered " + read.sequence() + " after " + floor);
                            }
                            for (long[] ack : acknowledged) {
                                if (startedAt - ack[1] > BOUND.toNanos() && read.sequence() < ack[0]) {
                                    violations.add(pod + " answered " + read.sequence() + " long after " + ack[0]);
                                }
                            }
                            newestAnswered.accumulateAndGet(read.sequence(), Math::max);
                        }
                    }));
                }
            }
            Future<?> writer = pool.submit(() -> {
                for (int i = 0; i < writes; i++) {
                    Pod pod = cluster.pod(i % 3);
                    client.patchPrice(pod, id, (2 + i) + ".00");
                    long sequence = client.read(pod, id).sequence();
                    acknowledged.add(new long[] { sequence, System.nanoTime() });
                }
            });
            writer.get();
            writing.set(false);
            for (Future<?> reader : readers) {
                reader.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(violations).as("monotonic-read violations over %d reads", reads.get()).isEmpty();
        assertThat(reads.get()).isGreaterThan(writes);
        everyPodServes(id, (1 + writes) + ".00");
    }

    /**
     * Issue 20's path 8: an {@code X-Cache-Version} names one body, on every pod. Writers on every pod change the
     * prices of one category's products at once, so changes are appended out of their sequences' order (each pod takes
     * sequences from its own block); readers on every pod read the category's page and summary meanwhile and record
     * each version with the {@code ETag} it came with. Before the labels were issued through Redis ({@code
     * AggregateLabels}) a page showed two bodies under one version in every run of this test.
     */
    @Test
    void aPageOrSummaryVersionNamesOneBodyUnderConcurrentWritersOnEveryPod() throws Exception {
        String category = uniqueCategory("labels");
        List<String> ids = IntStream.range(0, 6).mapToObj(i -> uniqueId("lbl")).toList();
        for (String id : ids) {
            client.put(a(), id, category, "1.00");
        }
        Map<String, Map<String, java.util.Set<String>>> shown = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (Pod pod : cluster.pods()) {
                for (String path : List.of("/products?category=" + category + "&limit=20",
                        "/categories/" + category + "/summary")) {
                    readers.add(pool.submit(() -> {
                        while (writing.get()) {
                            java.net.http.HttpResponse<String> read = pod.get(path);
                            if (read.statusCode() == 200) {
                                reads.incrementAndGet();
                                String version = read.headers().firstValue("X-Cache-Version").orElseThrow();
                                shown.computeIfAbsent(path, k -> new java.util.concurrent.ConcurrentHashMap<>())
                                        .computeIfAbsent(version, k -> java.util.concurrent.ConcurrentHashMap.newKeySet())
                                        .add(read.headers().firstValue("ETag").orElseThrow() + " on " + pod);
                            }
                        }
                    }));
                }
            }
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                Pod pod = cluster.pod(w % 3);
                String id = ids.get(w);
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        client.patchPrice(pod, id, (2 + writer * 100 + i) + ".00");
                    }
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
            writing.set(false);
            for (Future<?> reader : readers) {
                reader.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> repeated = new ArrayList<>();
        shown.forEach((path, byVersion) -> byVersion.forEach((version, bodies) -> {
            if (bodies.stream().map(b -> b.substring(0, b.indexOf(" on "))).distinct().count() > 1) {
                repeated.add(path + " @ " + version + ": " + bodies);
            }
        }));
        assertThat(reads.get()).isGreaterThan(240);
        assertThat(repeated).as("versions shown with two bodies, over %d reads", reads.get()).isEmpty();
    }

    /**
     * Sequences come from each pod's block, not from one counter per write: writers on every pod at once, on the same
     * products of one category, must still leave every product a sequence that rises with its version (a write's
     * condition checks the sequence it replaces, and its sequence is taken above it), hand out no sequence twice, and
     * leave every pod serving the last version.
     */
    @Test
    void concurrentWritersOnEveryPodLeaveEachProductASequenceThatRisesWithItsVersion() throws Exception {
        String category = uniqueCategory("blocks");
        List<String> ids = List.of(uniqueId("blk"), uniqueId("blk"), uniqueId("blk"));
        for (String id : ids) {
            client.put(a(), id, category, "1.00");
        }
        java.util.Map<String, List<CatalogClient.Written>> written = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                Pod pod = cluster.pod(w % 3);
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        String id = ids.get((writer + i) % ids.size());
                        written.computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                                .add(client.patchPriceWritten(pod, id, (2 + writer * 100 + i) + ".00"));
                    }
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<Long> everySequence = new ArrayList<>();
        for (String id : ids) {
            List<CatalogClient.Written> byVersion = written.get(id).stream()
                    .sorted(java.util.Comparator.comparingLong(CatalogClient.Written::version)).toList();
            assertThat(byVersion).extracting(CatalogClient.Written::version).as("versions of %s", id)
                    .doesNotHaveDuplicates();
            for (int i = 1; i < byVersion.size(); i++) {
                assertThat(byVersion.get(i).sequence()).as("%s version %d", id, byVersion.get(i).version())
                        .isGreaterThan(byVersion.get(i - 1).sequence());
            }
            byVersion.forEach(w -> everySequence.add(w.sequence()));
            CatalogClient.Written last = byVersion.get(byVersion.size() - 1);
            for (Pod pod : cluster.pods()) {
                CatalogClient.Read read = client.read(pod, id);
                assertThat(read.sequence()).as("%s on %s", id, pod).isEqualTo(last.sequence());
            }
        }
        assertThat(everySequence).hasSize(90).doesNotHaveDuplicates();
    }

    /**
     * Redis dies; a write is stored but not acknowledged (503: the other pods cannot be told, so nothing can vouch that
     * they do not serve the older version), counted; every pod serves it all the same (their feed is down: no L1, and
     * strongly consistent loads); its event is published once Redis is back.
     */
    @Test
    void aWriteDuringARedisOutageIsStoredNotAcknowledgedServedEverywhereAndPublishedAfterwards() {
        String id = uniqueId("p");
        client.put(a(), id, uniqueCategory("c"), "20.00");
        warm(id);

        killRedis();
        try {
            double unconfirmed = unconfirmed(a());
            JsonNode problem = client.patchPrice(a(), id, "21.00", 503);
            assertThat(problem.get("type").asText()).endsWith("/change-not-confirmed");
            assertThat(unconfirmed(a())).as("stored, not acknowledged: counted").isEqualTo(unconfirmed + 1);
            for (Pod pod : cluster.pods()) {
                var ready = pod.get("/q/health/ready");
                assertThat(ready.statusCode()).as("%s stays ready without Redis", pod).isEqualTo(200);
                assertThat(ready.body()).contains("\"redis\": \"down\"").contains("\"state\": \"degraded\"");
            }

            everyPodServes(id, "21.00");
        } finally {
            restartRedis();
        }
        CatalogClient.within(Duration.ofSeconds(15)).alias("the event of " + id + " in the stream")
                .until(this::streamContents,
                        stream -> stream.contains("\"productId\":\"" + id + "\",\"category\"")
                                && stream.contains("\"price\":21.00"));

        client.patchPrice(cluster.pod(1), id, "22.00");
        everyPodServes(id, "22.00");
    }

    /** The writes a pod stored but did not acknowledge, its publish having failed. */
    private static double unconfirmed(Pod pod) {
        return pod.metric("catalog_writes_unconfirmed_total");
    }

    /**
     * Redis crashes and restarts with no data: the pods' feed reads fail, so they drop L1 and nothing stale
     * survives (the connection-failure path; {@link RedisFailOverIT}
     * covers a restart without a failure).
     */
    @Test
    void aRedisCrashAndEmptyRestartLeavesNothingStale() {
        String id = uniqueId("p");
        client.put(a(), id, uniqueCategory("c"), "30.00");
        warm(id);

        killRedis();
        restartRedis();
        client.patchPrice(cluster.pod(2), id, "31.00");

        everyPodServes(id, "31.00");
    }

    /** The feed connections are killed (CLIENT KILL) right before a write: no pod misses the change. */
    @Test
    void killedFeedConnectionsDoNotLoseAnInvalidation() {
        for (int round = 0; round < 5; round++) {
            String id = uniqueId("p");
            client.put(a(), id, uniqueCategory("c"), "40.00");
            warm(id);

            killClientConnections();
            client.patchPrice(a(), id, "4" + round + ".50");

            everyPodServes(id, "4" + round + ".50");
        }
    }

    /** A 1,000-item batch converges on every pod. */
    @Test
    void aThousandItemBatchConvergesOnEveryPod() throws Exception {
        String category = uniqueCategory("bulk");
        List<String> ids = IntStream.range(0, 1000).mapToObj(i -> category + "-" + i).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<?> f : pool.invokeAll(ids.stream().map(id -> (java.util.concurrent.Callable<Object>) () -> client
                    .put(a(), id, category, "1.00")).toList())) {
                f.get();
            }
            for (Future<?> f : pool.invokeAll(ids.stream().map(id -> (java.util.concurrent.Callable<Object>) () -> {
                warm(id);
                return null;
            }).toList())) {
                f.get();
            }

            JsonNode results = client.batch(cluster.pod(1), ids, "2.00").get("results");
            assertThat(results).hasSize(1000);
            results.forEach(r -> assertThat(r.get("status").asInt()).isEqualTo(200));

            for (Future<?> f : pool.invokeAll(ids.stream().map(id -> (java.util.concurrent.Callable<Object>) () -> {
                everyPodServes(id, "2.00");
                return null;
            }).toList())) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (Pod pod : cluster.pods()) {
            JsonNode summary = client.summary(pod, category);
            assertThat(summary.get("minPrice").decimalValue()).isEqualByComparingTo("2.00");
            assertThat(summary.get("productCount").asInt()).isEqualTo(1000);
        }
    }
}
