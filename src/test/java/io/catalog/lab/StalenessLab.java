package io.catalog.lab;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.catalog.lab.LabRecords.Checkout;
import io.catalog.lab.LabRecords.Endpoint;
import io.catalog.lab.LabRecords.Item;
import io.catalog.lab.LabRecords.Read;
import io.catalog.lab.LabRecords.Write;
import io.catalog.testing.FreePorts;
import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;
import io.catalog.testing.VarnishServer;

/**
 * The staleness lab: how often each caching strategy serves a price older than one already acknowledged, on real
 * pods of the packaged service, one Redis and one dynalite.
 *
 * <p>
 * One run: start Redis and dynalite, load the catalog once (the service's demo loader, in one pod), then for each
 * strategy: stop the pods, FLUSHALL Redis, start the pods with the strategy's environment, and drive them for the
 * scenario's duration with browsing reads (Zipf popularity), shoppers (read a product on one pod, quote it with the
 * shown price on another) and admin price updates (uniform, single PATCH plus an occasional small batch). Every
 * acknowledged write and every read is recorded; {@link LabAnalysis} computes staleness, checkouts, hit ratios,
 * DynamoDB loads and latencies; {@link LabReport} writes {@code results/<scenario>/results.md} and
 * {@code staleness.svg}.
 *
 * <p>
 * Run it with {@code bin/lab} (or {@code StalenessLabIT}); it is plain Java, {@link #run(LabScenario)}.
 * <p>
 * Longer than 250 lines: the driver of one experiment (pods, readers, shoppers, writers, their schedule) is kept in
 * one place so that what the lab measures can be read top to bottom; analysis and report live in their own classes.
 */
public final class StalenessLab {

    /** Prices parsed as the exact decimals written, never through a binary float. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    private static final Pattern EVENT = Pattern.compile("\\{\"type\":\"ProductUpdated\"[^\\r\\n]*");
    private static final Pattern PRODUCT_ID = Pattern.compile("\"productId\":\"([^\"]+)\"");
    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");
    private static final Pattern SEQUENCE = Pattern.compile("\"sequence\":(\\d+)");

    /** One strategy: its number, label, and the pods' environment. */
    record Strategy(int number, String label, Map<String, String> environment) {

        static Strategy of(int number) {
            return switch (number) {
                case 1 -> new Strategy(1, "1 seed baseline: cache-aside, 90 s TTL, no invalidation", Map.of(
                        "CATALOG_L1_ENABLED", "false", "CATALOG_CACHE_INVALIDATION", "false",
                        "CATALOG_L2_PRODUCT_TTL", "90s", "CATALOG_L2_AGGREGATE_TTL", "90s", "CATALOG_L2_JITTER", "0"));
                case 2 -> new Strategy(2, "2 seed fix: events invalidate L2, L1 TTL-only 30 s", Map.of(
                        "CATALOG_L1_COORDINATED", "false", "CATALOG_L1_TTL", "30s"));
                case 3 -> new Strategy(3, "3 full design (cache-aside)", Map.of());
                case 4 -> new Strategy(4, "4 full design, write-through", Map.of("CATALOG_CACHE_WRITE_MODE",
                        "write-through"));
                default -> throw new IllegalArgumentException("no strategy " + number);
            };
        }

        boolean invalidates() {
            return number != 1;
        }

        /**
         * Whether the pods purge the lab's Varnish: only the full design (3, 4). Strategies 1 and 2 model the seed,
         * whose edge relied on {@code max-age=30} without purging.
         */
        boolean purgesEdge() {
            return number >= 3;
        }
    }

    /** Everything recorded while one strategy ran. */
    record Run(Strategy strategy, List<Read> reads, List<Checkout> checkouts, long startNs, long endNs,
            Map<String, Double> metricsBefore, Map<String, Double> metricsAfter, List<double[]> propagation,
            int errors, List<String> firstErrors, Duration startup) {
    }

    private final LabScenario scenario;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    /** Every acknowledged write of the whole lab, across strategies. */
    private final List<Write> writes = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Item> catalog = new LinkedHashMap<>();
    private String[] ids;
    private Zipf zipf;
    private final Map<String, BigDecimal> latestPrice = new ConcurrentHashMap<>();
    private PodCluster cluster;

    private StalenessLab(LabScenario scenario) {
        this.scenario = scenario;
    }

    public static void main(String[] args) throws IOException {
        LabResult result = run(LabScenario.fromSystemProperties());
        System.out.println("Results: " + result.markdown() + " and " + result.svg());
    }

    /** Runs the scenario and writes its results; returns the analysed figures. */
    public static LabResult run(LabScenario scenario) throws IOException {
        return new StalenessLab(scenario).execute();
    }

    private LabResult execute() throws IOException {
        long t0 = System.nanoTime();
        log("Staleness lab '" + scenario.name() + "': " + scenario.describe());
        List<LabAnalysis.StrategyFigures> figures = new ArrayList<>();
        try (PodCluster c = PodCluster.startInfrastructure()) {
            cluster = c;
            loadCatalog();
            for (int number : scenario.strategies()) {
                Run run = runStrategy(Strategy.of(number));
                LabAnalysis.StrategyFigures f = LabAnalysis.analyse(run, writes, catalog);
                figures.add(f);
                log(LabReport.summaryLine(f));
            }
            cluster.stopPods();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        LabResult result = LabReport.write(scenario, figures, elapsed);
        log("Done in " + elapsed.toSeconds() + " s: " + result.markdown());
        return result;
    }

    /** Loads the catalog once: one pod with the demo loader, then reads it back page by page. */
    private void loadCatalog() {
        long start = System.nanoTime();
        log("Loading " + scenario.products() + " products into dynalite (demo loader in one pod)...");
        Pod loader = cluster.startPods(1, Map.of("CATALOG_DEMO_SEED", "true",
                "CATALOG_DEMO_PRODUCTS", Integer.toString(scenario.products()),
                "CATALOG_DEMO_CATEGORIES", Integer.toString(scenario.categories()),
                // its sweep every second, so that the wait for an empty outbox below is short
                "CATALOG_EVENTS_RELAY_IDLE_INTERVAL", "1s")).get(0);
        String cursor = null;
        do {
            String path = "/products?limit=100" + (cursor == null ? ""
                    : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> response = loader.get(path);
            if (response.statusCode() != 200) {
                throw new IllegalStateException("catalog listing answered " + response.statusCode() + ": "
                        + response.body());
            }
            JsonNode page = parse(response.body());
            for (JsonNode p : page.get("items")) {
                Item item = new Item(p.get("id").asText(), p.get("category").asText(), p.get("price").decimalValue(),
                        p.get("version").asLong(), -1);
                catalog.put(item.id(), item);
                latestPrice.put(item.id(), item.price());
            }
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        awaitEmptyOutbox(loader);
        cluster.stopPods();
        if (catalog.size() != scenario.products()) {
            throw new IllegalStateException("loaded " + catalog.size() + " products, expected " + scenario.products());
        }
        ids = new String[scenario.products()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = String.format("sku-%05d", i + 1);
            if (!catalog.containsKey(ids[i])) {
                throw new IllegalStateException("the demo catalog has no " + ids[i]);
            }
        }
        zipf = new Zipf(ids.length, scenario.zipfS());
        log(String.format("Catalog of %,d products loaded in %.1f s", catalog.size(),
                (System.nanoTime() - start) / 1e9));
    }

    /**
     * Waits until the loader's outbox sweeps find nothing pending twice in a row (at most two minutes): a bulk load's
     * outbox clears lag behind its writes, and what a stopped loader left pending, the first strategy's pods would
     * publish again into the flushed Redis during their measured run (thousands of events, counted in its propagation).
     */
    private void awaitEmptyOutbox(Pod loader) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        int emptyInARow = 0;
        while (emptyInARow < 2 && System.nanoTime() < deadline) {
            sleepNanos(TimeUnit.SECONDS.toNanos(2));
            String metrics = loader.get("/q/metrics").body();
            boolean empty = metrics.lines().anyMatch(l -> (l.startsWith("catalog_outbox_pending ")
                    || l.startsWith("catalog_outbox_pending{"))
                    && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1).trim()) == 0);
            emptyInARow = empty ? emptyInARow + 1 : 0;
        }
        if (emptyInARow < 2) {
            log("The loader's outbox still held pending events after two minutes: the first strategy's pods publish them");
        }
    }

    private Run runStrategy(Strategy strategy) {
        log("=== Strategy " + strategy.label() + " ===");
        cluster.stopPods();
        cluster.redis().command("FLUSHALL");
        long startupStart = System.nanoTime();
        Map<String, String> environment = new HashMap<>(strategy.environment());
        // the consistency checker would repair what strategies 1 and 2 serve stale, which is what the lab measures
        environment.put("CATALOG_CONSISTENCY_ENABLED", "false");
        int edgePort = scenario.varnish() ? FreePorts.find() : -1;
        if (scenario.varnish() && strategy.purgesEdge()) {
            environment.put("CATALOG_EDGE_PURGE_VARNISH_URLS", "http://127.0.0.1:" + edgePort);
        }
        List<Pod> pods = cluster.startPods(scenario.pods(), environment);
        Duration startup = Duration.ofNanos(System.nanoTime() - startupStart);
        log(String.format("%d pods ready in %.1f s; driving for %d s", pods.size(), startup.toMillis() / 1000.0,
                scenario.duration().toSeconds()));
        // a fresh varnishd per strategy: every strategy starts with an empty edge
        try (VarnishServer edge = scenario.varnish()
                ? VarnishServer.start(edgePort, pods.stream().map(p -> p.uri("").getPort()).toList(), "128m")
                : null) {
            if (edge != null) {
                log("Varnish " + edge.url() + " in front of " + pods.size() + " pods (round robin), "
                        + (strategy.purgesEdge() ? "purged by the pods" : "not purged (max-age only)"));
            }
            return drive(strategy, pods, edge, startup);
        }
    }

    private Run drive(Strategy strategy, List<Pod> pods, VarnishServer edge, Duration startup) {
        Map<String, Double> before = metrics(pods);

        ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Checkout> checkouts = new ConcurrentLinkedQueue<>();
        AtomicLong writesDone = new AtomicLong();
        long start = System.nanoTime();
        LabFailures errors = new LabFailures(start);
        long end = start + scenario.duration().toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < scenario.readThreads(); i++) {
            threads.add(thread("lab-read-" + i, () -> browse(pods, edge, end, reads, errors)));
        }
        for (int i = 0; i < scenario.checkoutThreads(); i++) {
            threads.add(thread("lab-shop-" + i, () -> shop(pods, end, reads, checkouts, errors)));
        }
        threads.add(thread("lab-admin", () -> administer(pods, start, end, reads, writesDone, errors)));
        threads.forEach(Thread::start);
        long nextProgress = start + 5_000_000_000L;
        long lastReads = 0;
        while (threads.stream().anyMatch(Thread::isAlive)) {
            sleepNanos(Math.min(nextProgress, end + 1_000_000_000L) - System.nanoTime());
            if (System.nanoTime() >= nextProgress) {
                long n = reads.size();
                log(String.format("  %s t=%3ds reads=%,d (%.0f/s) checkouts=%,d writes=%,d errors=%d",
                        "strategy " + strategy.number(), (System.nanoTime() - start) / 1_000_000_000L, n,
                        (n - lastReads) / 5.0, checkouts.size(), writesDone.get(), errors.count()));
                lastReads = n;
                nextProgress += 5_000_000_000L;
            }
            if (System.nanoTime() > end + 30_000_000_000L) {
                throw new IllegalStateException("load threads did not stop");
            }
        }
        long stopped = System.nanoTime();
        Map<String, Double> after = metrics(pods);
        List<double[]> propagation = pods.stream().map(this::propagation).toList();
        fillBatchSequences();
        return new Run(strategy, new ArrayList<>(reads), new ArrayList<>(checkouts), start, stopped, before, after,
                propagation, (int) errors.count(), errors.first(), startup);
    }

    // ---- the load -------------------------------------------------------------------------------------------

    /** Browsing reads: straight to a random pod, or through the lab's Varnish when {@code edge} is not null. */
    private void browse(List<Pod> pods, VarnishServer edge, long end, ConcurrentLinkedQueue<Read> reads,
            LabFailures errors) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < end) {
            Pod pod = pods.get(random.nextInt(pods.size()));
            String id = ids[zipf.sample(random)];
            double r = random.nextDouble();
            try {
                if (r < 0.8) {
                    reads.add(readProduct(pod, edge, id, Endpoint.PRODUCT));
                } else {
                    String category = catalog.get(id).category();
                    Endpoint endpoint = r < 0.9 ? Endpoint.LIST : Endpoint.SUMMARY;
                    String path = endpoint == Endpoint.LIST ? "/products?category=" + category + "&limit=20"
                            : "/categories/" + category + "/summary";
                    long s = System.nanoTime();
                    HttpResponse<String> response = send(get(pod, edge, path));
                    long e = System.nanoTime();
                    reads.add(new Read(endpoint, category, -1, header(response, "X-Cache-Version"),
                            response.headers().firstValue("X-Cache").orElse("?"), null, s, e,
                            response.statusCode(), edgeResult(edge, response),
                            endpoint == Endpoint.LIST && response.statusCode() == 200 ? items(response.body()) : null));
                    if (response.statusCode() != 200) {
                        errors.add("GET " + path + " on " + (edge == null ? pod : "varnish") + ": "
                                + response.statusCode() + " " + LabFailures.summary(response.body()), e);
                    }
                }
            } catch (RuntimeException e) {
                errors.add(e, System.nanoTime());
            }
        }
    }

    private Read readProduct(Pod pod, String id, Endpoint endpoint) {
        return readProduct(pod, null, id, endpoint);
    }

    /** The id and version of each item of a list page. */
    private static java.util.Map<String, Long> items(String page) {
        java.util.Map<String, Long> items = new java.util.LinkedHashMap<>();
        parse(page).path("items").forEach(item -> items.put(item.get("id").asText(), item.get("version").asLong()));
        return items;
    }

    private Read readProduct(Pod pod, VarnishServer edge, String id, Endpoint endpoint) {
        long s = System.nanoTime();
        HttpResponse<String> response = send(get(pod, edge, "/products/" + id));
        long e = System.nanoTime();
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /products/" + id + " on " + (edge == null ? pod : "varnish") + ": "
                    + response.statusCode() + " " + LabFailures.summary(response.body()));
        }
        JsonNode body = parse(response.body());
        return new Read(endpoint, id, body.get("version").asLong(), header(response, "X-Cache-Version"),
                response.headers().firstValue("X-Cache").orElse("?"), body.get("price").decimalValue(), s, e, 200,
                edgeResult(edge, response));
    }

    /** {@code X-Varnish-Cache} of a read through the edge ("?" when absent); null for a read straight to a pod. */
    private static String edgeResult(VarnishServer edge, HttpResponse<String> response) {
        return edge == null ? null : response.headers().firstValue("X-Varnish-Cache").orElse("?");
    }

    private void shop(List<Pod> pods, long end, ConcurrentLinkedQueue<Read> reads,
            ConcurrentLinkedQueue<Checkout> checkouts, LabFailures errors) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < end) {
            String id = ids[zipf.sample(random)];
            try {
                Read shown = readProduct(pods.get(random.nextInt(pods.size())), id, Endpoint.SHOPPER_READ);
                reads.add(shown);
                Pod quoting = pods.get(random.nextInt(pods.size()));
                String body = "{\"items\":[{\"id\":\"" + id + "\",\"quantity\":1,\"expectedPrice\":"
                        + shown.price().toPlainString() + "}]}";
                long s = System.nanoTime();
                HttpResponse<String> response = send(post(quoting, "/checkout/quote", body, null));
                long e = System.nanoTime();
                BigDecimal quoted = null;
                if (response.statusCode() == 200) {
                    quoted = parse(response.body()).get("items").get(0).get("unitPrice").decimalValue();
                } else if (response.statusCode() == 409) {
                    JsonNode current = parse(response.body()).path("currentPrices").path(id);
                    quoted = current.isMissingNode() ? null : current.decimalValue();
                } else {
                    errors.add("POST /checkout/quote on " + quoting + ": " + response.statusCode() + " "
                            + LabFailures.summary(response.body()), e);
                }
                checkouts.add(new Checkout(id, shown.version(), shown.price(), shown.startNs(), s, e,
                        response.statusCode(), quoted));
                reads.add(new Read(Endpoint.QUOTE, id, -1, -1, "-", null, s, e, response.statusCode()));
            } catch (RuntimeException e) {
                errors.add(e, System.nanoTime());
            }
        }
    }

    private void administer(List<Pod> pods, long start, long end, ConcurrentLinkedQueue<Read> reads, AtomicLong done,
            LabFailures errors) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // writes are dispatched on a schedule to a few threads, so that slow writes do not lower the rate
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4, r -> thread(
                "lab-admin-w", r));
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(4);
        double interval = 1e9 / scenario.updateRate();
        double next = start + interval * random.nextDouble();
        while (true) {
            sleepNanos((long) next - System.nanoTime());
            if (System.nanoTime() >= end) {
                pool.shutdown();
                try {
                    pool.awaitTermination(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            Pod pod = pods.get(random.nextInt(pods.size()));
            boolean isBatch = random.nextDouble() < scenario.batchShare();
            String id = ids[random.nextInt(ids.length)];
            next += interval * (isBatch ? scenario.batchSize() : 1);
            inFlight.acquireUninterruptibly();
            pool.execute(() -> {
                try {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    reads.add(isBatch ? batch(pod, r) : patch(pod, id, r));
                    done.addAndGet(isBatch ? scenario.batchSize() : 1);
                } catch (RuntimeException e) {
                    errors.add(e, System.nanoTime());
                    log("  write failed: " + e.getMessage());
                } finally {
                    inFlight.release();
                }
            });
            if (next < System.nanoTime() - 1e9) {
                next = System.nanoTime(); // fell behind by more than a second: do not burst
            }
        }
    }

    private Read patch(Pod pod, String id, ThreadLocalRandom random) {
        BigDecimal price = newPrice(id, random);
        long s = System.nanoTime();
        HttpResponse<String> response = sentOrUnknown(List.of(id), Map.of(id, price), s, () -> send(post(pod,
                "/admin/products/" + id + "/price", "{\"price\":" + price.toPlainString() + "}", "PATCH")));
        long ack = System.nanoTime();
        if (response.statusCode() != 200) {
            throw new IllegalStateException("PATCH /admin/products/" + id + "/price on " + pod + ": "
                    + response.statusCode() + " " + LabFailures.summary(response.body()));
        }
        JsonNode body = parse(response.body());
        writes.add(new Write(id, catalog.get(id).category(), body.get("version").asLong(),
                header(response, "X-Cache-Version"), price, s, ack));
        latestPrice.put(id, price);
        return new Read(Endpoint.PATCH, id, -1, -1, "-", null, s, ack, 200);
    }

    private Read batch(Pod pod, ThreadLocalRandom random) {
        Map<String, BigDecimal> updates = new LinkedHashMap<>();
        while (updates.size() < Math.min(scenario.batchSize(), ids.length)) {
            String id = ids[random.nextInt(ids.length)];
            updates.putIfAbsent(id, newPrice(id, random));
        }
        StringBuilder body = new StringBuilder("{\"updates\":[");
        updates.forEach((id, price) -> body.append(body.length() > 12 ? "," : "").append("{\"id\":\"").append(id)
                .append("\",\"price\":").append(price.toPlainString()).append('}'));
        body.append("]}");
        long s = System.nanoTime();
        HttpResponse<String> response = sentOrUnknown(List.copyOf(updates.keySet()), updates, s,
                () -> send(post(pod, "/admin/prices/batch", body.toString(), null)));
        long ack = System.nanoTime();
        if (response.statusCode() != 200) {
            throw new IllegalStateException("POST /admin/prices/batch on " + pod + ": " + response.statusCode() + " "
                    + LabFailures.summary(response.body()));
        }
        for (JsonNode result : parse(response.body()).get("results")) {
            String id = result.get("id").asText();
            if (result.get("status").asInt() == 200) {
                writes.add(new Write(id, catalog.get(id).category(), result.get("version").asLong(), -1,
                        updates.get(id), s, ack));
                latestPrice.put(id, updates.get(id));
            }
        }
        return new Read(Endpoint.BATCH, "batch", -1, -1, "-", null, s, ack, 200);
    }

    /**
     * The answer of a write, after recording each of its products' writes as of unknown outcome when the answer does
     * not say it was refused (a 5xx: "Change not confirmed" is stored all the same; no answer): a quote may then show
     * that price, and the analysis must not call it mis-priced.
     */
    private HttpResponse<String> sentOrUnknown(List<String> products, Map<String, BigDecimal> prices, long sentNs,
            java.util.function.Supplier<HttpResponse<String>> write) {
        HttpResponse<String> response;
        try {
            response = write.get();
        } catch (RuntimeException noAnswer) {
            products.forEach(id -> writes.add(Write.unknown(id, catalog.get(id).category(), prices.get(id), sentNs)));
            throw noAnswer;
        }
        if (response.statusCode() >= 500) {
            products.forEach(id -> writes.add(Write.unknown(id, catalog.get(id).category(), prices.get(id), sentNs)));
        }
        return response;
    }

    /** A new price for {@code id}: 1.00 to 500.00, never its current price (so every write changes the price). */
    private BigDecimal newPrice(String id, ThreadLocalRandom random) {
        BigDecimal current = latestPrice.get(id);
        while (true) {
            BigDecimal price = BigDecimal.valueOf(random.nextInt(100, 50_001), 2).setScale(2, RoundingMode.UNNECESSARY);
            if (current == null || price.compareTo(current) != 0) {
                return price;
            }
        }
    }

    /** Batch answers carry versions, not sequences: take the sequences from the event stream. */
    private void fillBatchSequences() {
        String raw = cluster.redis().command("XRANGE", "catalog:events", "-", "+");
        Map<String, Long> sequences = new HashMap<>();
        Matcher events = EVENT.matcher(raw);
        while (events.find()) {
            String event = events.group();
            Matcher id = PRODUCT_ID.matcher(event);
            Matcher version = VERSION.matcher(event);
            Matcher sequence = SEQUENCE.matcher(event);
            if (id.find() && version.find() && sequence.find()) {
                sequences.put(id.group(1) + "@" + version.group(1), Long.parseLong(sequence.group(1)));
            }
        }
        synchronized (writes) {
            for (Write w : writes) {
                if (w.sequence < 0) {
                    Long s = sequences.get(w.id + "@" + w.version);
                    if (s != null) {
                        w.sequence = s;
                    }
                }
            }
        }
    }

    // ---- HTTP and metrics -------------------------------------------------------------------------------------

    private static HttpRequest get(Pod pod, String path) {
        return get(pod, null, path);
    }

    private static HttpRequest get(Pod pod, VarnishServer edge, String path) {
        return HttpRequest.newBuilder(edge == null ? pod.uri(path) : edge.uri(path)).timeout(Duration.ofSeconds(10))
                .GET().build();
    }

    private HttpRequest post(Pod pod, String path, String body, String method) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(pod.uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method == null ? "POST" : method, HttpRequest.BodyPublishers.ofString(body));
        if (path.startsWith("/admin/")) {
            builder.header("Authorization", "Bearer " + cluster.adminToken());
        }
        return builder.build();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(request.uri().toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long header(HttpResponse<String> response, String name) {
        return response.headers().firstValueAsLong(name).orElse(-1);
    }

    /** The lab's counters from every pod's /q/metrics, summed. */
    private Map<String, Double> metrics(List<Pod> pods) {
        Map<String, Double> sums = new HashMap<>();
        for (Pod pod : pods) {
            HttpResponse<String> response = send(get(pod, "/q/metrics"));
            for (String line : response.body().split("\n")) {
                for (String name : List.of("catalog_store_loads_total", "catalog_store_consistent_reloads_total",
                        "catalog_cache_requests_total")) {
                    if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                        String key = line.substring(0, line.lastIndexOf(' ')).replace(",}", "}");
                        if (key.startsWith("catalog_cache_requests_total")) {
                            key = "catalog_cache_requests_total" + tag(key, "tier") + "_" + tag(key, "result");
                        }
                        sums.merge(key, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
                    }
                }
            }
        }
        return sums;
    }

    private static String tag(String key, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(key);
        return m.find() ? m.group(1) : "";
    }

    /** A pod's propagation p50 and p99 in ms, and how many events it measured. */
    private double[] propagation(Pod pod) {
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double count = 0;
        for (String line : send(get(pod, "/q/metrics")).body().split("\n")) {
            if (line.startsWith("catalog_events_propagation_seconds{") && line.contains("quantile=\"0.5\"")) {
                p50 = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) * 1000;
            } else if (line.startsWith("catalog_events_propagation_seconds{") && line.contains("quantile=\"0.99\"")) {
                p99 = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) * 1000;
            } else if (line.startsWith("catalog_events_propagation_seconds_count")) {
                count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return new double[] { p50, p99, count };
    }

    static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    private static void sleepNanos(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void log(String line) {
        System.out.println("[lab " + Instant.now().toString().substring(11, 19) + "] " + line);
        System.out.flush();
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** Zipf(s) over ranks 0..n-1 by inverse CDF. */
    static final class Zipf {
        private final double[] cdf;

        Zipf(int n, double s) {
            cdf = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1 / Math.pow(i + 1, s);
                cdf[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cdf[i] /= sum;
            }
        }

        int sample(ThreadLocalRandom random) {
            int i = java.util.Arrays.binarySearch(cdf, random.nextDouble());
            return Math.min(i >= 0 ? i : -i - 1, cdf.length - 1);
        }
    }
}
