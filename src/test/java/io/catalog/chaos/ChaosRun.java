package io.catalog.chaos;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.catalog.chaos.History.Item;
import io.catalog.chaos.History.Outcome;
import io.catalog.testing.AdminTokens;
import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;

/**
 * A randomized fault run: several pods of the packaged service on one Redis and one dynalite (behind a
 * {@link io.catalog.testing.LaggingDynamo}), writers (PATCH, batch, create, move, delete) and readers (product, page,
 * summary, quote, a live-changes subscriber) while faults are drawn at random: a pod frozen (SIGSTOP) for 0.1-3 s, a
 * pod killed (SIGKILL) and started again, a new pod joining, Redis connections killed, Redis restarted empty, the stream
 * trimmed short, eventually consistent reads lagging (on/off), dynalite frozen for 1-5 s. Every operation goes into a
 * {@link History} that {@link HistoryChecker} checks afterwards; {@link ChaosReport} writes what happened. Seeded: the
 * same seed draws the same faults and operations in the same order (their timing, on a shared machine, differs).
 */
public final class ChaosRun {

    /** The run's clock origin, for the report's times. */
    static final long ORIGIN = System.nanoTime();
    static final List<String> CATEGORIES = List.of("alpha", "beta", "gamma", "delta");
    /** The model's lag; the pods are told a longer one ({@code catalog.dynamodb.eventual-lag}). */
    static final Duration LAG = Duration.ofSeconds(3);
    static final Map<String, String> POD_ENVIRONMENT = Map.of("CATALOG_DYNAMODB_EVENTUAL_LAG", "5s");
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    /** What to run. */
    public record Settings(long seed, Duration duration, int pods, int writers, int readers, Path output,
            String command) {
    }

    /** What a run found. */
    public record Result(History history, List<HistoryChecker.Violation> violations, Map<String, Integer> faults,
            Path report) {
    }

    private final Settings settings;
    private final History history = new History();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .executor(Executors.newCachedThreadPool()).build();
    private final List<Pod> live = new CopyOnWriteArrayList<>();
    private final Map<String, String> categoryOf = new ConcurrentHashMap<>();
    /** Products whose last write's outcome is unknown: their category is not known for sure until the next answer. */
    private final java.util.Set<String> uncertain = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger created = new AtomicInteger();
    private final Map<String, Integer> faultCounts = new ConcurrentHashMap<>();
    /** Periods during which some pod was frozen, for the write latencies of the report. */
    final List<long[]> stalls = new CopyOnWriteArrayList<>();
    private PodCluster cluster;
    private String token;

    public ChaosRun(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        long seed = Long.parseLong(options.getOrDefault("seed", Long.toString(System.currentTimeMillis() % 100_000)));
        Settings settings = new Settings(seed, Duration.ofSeconds((long) (60 * Double.parseDouble(
                options.getOrDefault("minutes", "10")))), Integer.parseInt(options.getOrDefault("pods", "4")), 2, 4,
                Path.of(options.getOrDefault("output", "results/chaos.md")), System.getProperty("chaos.command",
                        "bin/chaos"));
        Result result = new ChaosRun(settings).run();
        System.out.printf("bin/chaos: %d operations, %d faults, %d violations; %s%n", result.history().operations(),
                result.history().faults.size(), result.violations().size(), result.report());
        System.exit(result.violations().isEmpty() ? 0 : 1);
    }

    public Result run() throws Exception {
        Files.createDirectories(settings.output().toAbsolutePath().getParent());
        token = AdminTokens.admin();
        cluster = PodCluster.startInfrastructure();
        try {
            cluster.laggingStore();
            live.addAll(cluster.startPods(settings.pods(), POD_ENVIRONMENT));
            ExecutorService workers = Executors.newCachedThreadPool();
            // the subscriber listens until the end of quiesce(), past the writers and readers
            ExecutorService subscriber = Executors.newSingleThreadExecutor();
            subscriber.submit(this::subscribe);
            seed();
            Random draw = new Random(settings.seed());
            List<Long> seeds = Stream.generate(draw::nextLong).limit(settings.writers() + settings.readers() + 1)
                    .toList();
            for (int w = 0; w < settings.writers(); w++) {
                int writer = w;
                workers.submit(() -> write(writer, new Random(seeds.get(writer))));
            }
            for (int r = 0; r < settings.readers(); r++) {
                Random random = new Random(seeds.get(settings.writers() + r));
                workers.submit(() -> read(random));
            }
            Faults faults = new Faults(cluster, live, history, stalls, faultCounts,
                    new Random(seeds.get(seeds.size() - 1)), settings.pods());
            long end = System.nanoTime() + settings.duration().toNanos();
            while (System.nanoTime() < end) {
                faults.next();
            }
            running.set(false);
            faults.heal();
            workers.shutdown();
            workers.awaitTermination(60, TimeUnit.SECONDS);
            quiesce();
            subscriber.shutdownNow();
            HistoryChecker checker = new HistoryChecker(history);
            List<HistoryChecker.Violation> violations = checker.check();
            Path report = new ChaosReport(settings, history, violations, checker.unchecked(), faultCounts, stalls)
                    .write();
            return new Result(history, violations, Map.copyOf(faultCounts), report);
        } finally {
            running.set(false);
            listening = false;
            cluster.close();
        }
    }

    // ---- the catalog

    private void seed() {
        for (int i = 0; i < 24; i++) {
            String id = "p-" + i;
            write(0, "PUT", id, "/admin/products/" + id, product(id, CATEGORIES.get(i % CATEGORIES.size()),
                    price(i)), null, CATEGORIES.get(i % CATEGORIES.size()), false);
        }
    }

    private static String product(String id, String category, BigDecimal price) {
        return "{\"name\":\"Chaos " + id + "\",\"category\":\"" + category + "\",\"price\":" + price + "}";
    }

    private static BigDecimal price(long n) {
        return BigDecimal.valueOf(100 + Math.floorMod(n * 7919, 9_900), 2);
    }

    /** The products writer {@code writer} owns (writers never write the same product: the model stays exact). */
    private List<String> owned(int writer) {
        List<String> ids = new ArrayList<>();
        categoryOf.keySet().forEach(id -> {
            if (Math.floorMod(id.hashCode(), settings.writers()) == writer) {
                ids.add(id);
            }
        });
        Collections.sort(ids);
        return ids;
    }

    private void write(int writer, Random random) {
        long counter = writer * 1_000_000L;
        while (running.get()) {
            List<String> ids = owned(writer);
            int dice = random.nextInt(100);
            String id = ids.isEmpty() ? null : ids.get(random.nextInt(ids.size()));
            BigDecimal price = price(++counter);
            if (id == null || dice < 8) {
                String fresh = "n-" + writer + "-" + created.incrementAndGet();
                if (Math.floorMod(fresh.hashCode(), settings.writers()) != writer) {
                    continue;
                }
                String category = CATEGORIES.get(random.nextInt(CATEGORIES.size()));
                write(writer, "PUT", fresh, "/admin/products/" + fresh, product(fresh, category, price), price,
                        category, false);
            } else if (dice < 68) {
                write(writer, "PATCH", id, "/admin/products/" + id + "/price", "{\"price\":" + price + "}", price,
                        categoryOf.get(id), false);
            } else if (dice < 80) {
                String category = CATEGORIES.get(random.nextInt(CATEGORIES.size()));
                write(writer, "PUT", id, "/admin/products/" + id, product(id, category, price), price, category,
                        false);
            } else if (dice < 86 && ids.size() > 6) {
                write(writer, "DELETE", id, "/admin/products/" + id, null, null, null, true);
            } else {
                batch(writer, ids, random, price);
            }
            pause(random, 20, 80);
        }
    }

    private void write(int writer, String kind, String id, String path, String body, BigDecimal price,
            String category, boolean delete) {
        Pod pod = pod(ThreadLocalRandom.current());
        long op = history.nextOp();
        long sent = System.nanoTime();
        HttpResponse<String> response = send(pod, kind.equals("PATCH") ? "PATCH" : kind, path, body, true);
        long received = System.nanoTime();
        int status = response == null ? -1 : response.statusCode();
        Outcome outcome = outcome(status);
        long version = -1;
        if (outcome == Outcome.ACKED && !delete) {
            JsonNode json = parse(response.body());
            version = json.get("version").asLong();
            price = json.get("price").decimalValue();
            category = json.get("category").asText();
        }
        history.writes.add(new History.Write(op, kind, id, pod.name(), sent, received, outcome, version, price,
                category, delete));
        if (outcome == Outcome.ACKED && delete) {
            categoryOf.remove(id);
        } else if (outcome != Outcome.REFUSED && !delete) {
            categoryOf.put(id, category);
        } else if (delete && outcome == Outcome.UNKNOWN) {
            categoryOf.remove(id); // it may be gone: never written again (no product is created twice)
        }
        if (outcome == Outcome.UNKNOWN) {
            uncertain.add(id);
        } else if (outcome == Outcome.ACKED) {
            uncertain.remove(id);
        }
    }

    private void batch(int writer, List<String> ids, Random random, BigDecimal price) {
        List<String> chosen = new ArrayList<>(ids);
        Collections.shuffle(chosen, random);
        chosen = chosen.subList(0, Math.min(chosen.size(), 3 + random.nextInt(8)));
        StringBuilder body = new StringBuilder("{\"updates\":[");
        for (int i = 0; i < chosen.size(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(chosen.get(i)).append("\",\"price\":")
                    .append(price).append('}');
        }
        body.append("]}");
        Pod pod = pod(ThreadLocalRandom.current());
        long sent = System.nanoTime();
        HttpResponse<String> response = send(pod, "POST", "/admin/prices/batch", body.toString(), true);
        long received = System.nanoTime();
        int status = response == null ? -1 : response.statusCode();
        Map<String, JsonNode> results = new HashMap<>();
        if (status == 200) {
            parse(response.body()).get("results").forEach(r -> results.put(r.get("id").asText(), r));
        }
        for (String id : chosen) {
            JsonNode result = results.get(id);
            Outcome outcome = status != 200 ? outcome(status)
                    : result != null && result.get("status").asInt() == 200 ? Outcome.ACKED : Outcome.REFUSED;
            long version = outcome == Outcome.ACKED ? result.get("version").asLong() : -1;
            // a price change leaves the category as it was: known unless an earlier write's outcome is unknown
            String category = uncertain.contains(id) ? null : categoryOf.get(id);
            history.writes.add(new History.Write(history.nextOp(), "BATCH", id, pod.name(), sent, received, outcome,
                    version, price, category, false));
            if (outcome == Outcome.UNKNOWN) {
                uncertain.add(id);
            }
        }
    }

    private static Outcome outcome(int status) {
        if (status >= 200 && status < 300) {
            return Outcome.ACKED;
        }
        return status == 404 || status == 409 || status == 412 ? Outcome.REFUSED : Outcome.UNKNOWN;
    }

    private void read(Random random) {
        while (running.get()) {
            int dice = random.nextInt(100);
            List<String> ids = new ArrayList<>(categoryOf.keySet());
            String id = ids.isEmpty() ? "p-0" : ids.get(random.nextInt(ids.size()));
            String category = CATEGORIES.get(random.nextInt(CATEGORIES.size()));
            Pod pod = pod(random);
            long op = history.nextOp();
            long sent = System.nanoTime();
            if (dice < 55) {
                HttpResponse<String> response = send(pod, "GET", "/products/" + id, null, false);
                if (response != null) {
                    history.reads.add(new History.ProductRead(op, id, pod.name(), sent, System.nanoTime(),
                            response.statusCode(), response.statusCode() == 200 ? item(parse(response.body())) : null,
                            response.headers().firstValue("X-Cache").orElse("?")));
                }
            } else if (dice < 70) {
                HttpResponse<String> response = send(pod, "GET", "/products?category=" + category + "&limit=100",
                        null, false);
                if (response != null) {
                    List<Item> items = new ArrayList<>();
                    if (response.statusCode() == 200) {
                        parse(response.body()).get("items").forEach(i -> items.add(item(i)));
                    }
                    history.pages.add(new History.PageRead(op, category, pod.name(), sent, System.nanoTime(),
                            response.statusCode(), items, cacheVersion(response), etag(response)));
                }
            } else if (dice < 85) {
                HttpResponse<String> response = send(pod, "GET", "/categories/" + category + "/summary", null, false);
                if (response != null) {
                    JsonNode json = response.statusCode() == 200 ? parse(response.body()) : null;
                    history.summaries.add(new History.SummaryRead(op, category, pod.name(), sent, System.nanoTime(),
                            response.statusCode(), json == null ? 0 : json.get("productCount").asLong(),
                            json == null ? null : json.get("minPrice").decimalValue(),
                            json == null ? null : json.get("maxPrice").decimalValue(),
                            json == null ? null : json.get("avgPrice").decimalValue(), cacheVersion(response),
                            etag(response)));
                }
            } else {
                HttpResponse<String> response = send(pod, "POST", "/checkout/quote", "{\"items\":[{\"id\":\"" + id
                        + "\",\"quantity\":1,\"expectedPrice\":0.01}]}", false);
                if (response != null) {
                    BigDecimal quoted = null;
                    if (response.statusCode() == 409) {
                        quoted = parse(response.body()).get("currentPrices").get(id).decimalValue();
                    } else if (response.statusCode() == 200) {
                        quoted = parse(response.body()).get("items").get(0).get("unitPrice").decimalValue();
                    }
                    int status = response.statusCode() == 409 ? 200 : response.statusCode();
                    history.quotes.add(new History.QuoteRead(op, id, pod.name(), sent, System.nanoTime(), status,
                            quoted));
                }
            }
            pause(random, 2, 10);
        }
    }

    private static Item item(JsonNode json) {
        return new Item(json.get("id").asText(), json.get("version").asLong(), json.get("price").decimalValue(),
                json.get("category").asText());
    }

    // ---- the live-changes subscriber: a browser tab, reconnecting with Last-Event-ID as EventSource does

    private void subscribe() {
        String lastEventId = null;
        while (listening) {
            Pod pod = pod(ThreadLocalRandom.current());
            HttpRequest.Builder request = HttpRequest.newBuilder(pod.uri("/events/products"))
                    .header("Accept", "text/event-stream").timeout(Duration.ofMinutes(30));
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            history.subscriberLog.add(HistoryChecker.at(System.nanoTime()) + " connect " + pod.name()
                    + " Last-Event-ID " + lastEventId);
            try {
                HttpResponse<Stream<String>> response = http.send(request.build(),
                        HttpResponse.BodyHandlers.ofLines());
                if (response.statusCode() != 200) {
                    response.body().close();
                    Thread.sleep(200);
                    continue;
                }
                try (Stream<String> lines = response.body()) {
                    String name = null;
                    String id = null;
                    String data = null;
                    for (String line : (Iterable<String>) lines::iterator) {
                        if (!listening) {
                            return;
                        }
                        if (line.isEmpty()) {
                            if ("product".equals(name) && data != null) {
                                heard(parse(data));
                                history.subscriberLog.add(HistoryChecker.at(System.nanoTime()) + " " + id + " " + data);
                                lastEventId = id;
                            } else if ("reset".equals(name)) {
                                history.subscriberLog.add(HistoryChecker.at(System.nanoTime()) + " reset " + data);
                                history.subscriberResets.incrementAndGet();
                                reload();
                            }
                            name = null;
                            id = null;
                            data = null;
                        } else if (line.startsWith("event:")) {
                            name = line.substring(6).trim();
                        } else if (line.startsWith("id:")) {
                            id = line.substring(3).trim();
                        } else if (line.startsWith("data:")) {
                            data = line.substring(5).trim();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the pod died or the connection was cut: connect again, as EventSource does
                history.subscriberLog.add(HistoryChecker.at(System.nanoTime()) + " lost: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The subscriber listens until the run is quiet and the final states are read (not only while it runs). */
    private volatile boolean listening = true;

    private void heard(JsonNode event) {
        history.subscriberEvents.incrementAndGet();
        long version = event.get("deleted").asBoolean() ? -1 : event.get("version").asLong();
        history.subscriberSaw.merge(event.get("id").asText(), version,
                (a, b) -> a == History.NOT_FOUND ? b : a == -1 || b == -1 ? -1 : Math.max(a, b));
    }

    /** What a page does on {@code reset}: reads everything it shows again (here: every product ever written). */
    private void reload() {
        java.util.Set<String> ids = new java.util.TreeSet<>(history.subscriberSaw.keySet());
        history.writes.forEach(w -> ids.add(w.id()));
        for (String id : ids) {
            HttpResponse<String> response = send(pod(ThreadLocalRandom.current()), "GET", "/products/" + id, null,
                    false);
            if (response != null && response.statusCode() == 200) {
                history.subscriberSaw.merge(id, parse(response.body()).get("version").asLong(), Math::max);
            } else if (response != null && response.statusCode() == 404) {
                // gone after it was shown: deleted (products are never created again); never shown: not yet there
                history.subscriberSaw.merge(id, History.NOT_FOUND, (a, b) -> a == History.NOT_FOUND ? a : -1L);
            }
            history.subscriberLog.add(HistoryChecker.at(System.nanoTime()) + " reload \"" + id + "\": "
                    + (response == null ? "no answer"
                            : response.statusCode() + " " + response.headers()
                                    .firstValue("X-Cache-Version").orElse("")));
        }
    }

    // ---- the end

    /** Waits until every stored change is published and delivered, then reads the stored states. */
    private void quiesce() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int pending;
        while ((pending = pendingOutboxes()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        history.unpublishedAtEnd.set(pending);
        Thread.sleep(3_000);
        for (History.Write write : history.writes) {
            stored(write.id());
        }
        listening = false;
    }

    /** Items in the outbox index (every item holds an outbox map, empty once its events are published). */
    private int pendingOutboxes() {
        JsonNode answer = parse(cluster.dynalite().call("Scan", "{\"TableName\":\"catalog-products\","
                + "\"ConsistentRead\":true,\"FilterExpression\":\"attribute_exists(outboxShard)\",\"Select\":\"COUNT\"}")
                .body());
        return answer.get("Count").asInt();
    }

    private void stored(String id) {
        if (history.finalState.containsKey(id)) {
            return;
        }
        JsonNode item = parse(cluster.dynalite().call("GetItem", "{\"TableName\":\"catalog-products\","
                + "\"ConsistentRead\":true,\"Key\":{\"id\":{\"S\":\"" + id + "\"}}}").body()).get("Item");
        if (item == null || item.has("deleted")) {
            return;
        }
        history.finalState.put(id, new Item(id, item.get("version").get("N").asLong(),
                new BigDecimal(item.get("price").get("N").asText()), item.get("category").get("S").asText()));
    }

    // ---- HTTP

    private Pod pod(Random random) {
        List<Pod> pods = List.copyOf(live);
        return pods.get(random.nextInt(pods.size()));
    }

    /** Sends a request; {@code null} when no answer came (a timeout, a connection refused or cut). */
    private HttpResponse<String> send(Pod pod, String method, String path, String body, boolean admin) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(pod.uri(path).toString()))
                .timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (admin) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    /** The answer's {@code X-Cache-Version}, or -1 without one. */
    private static long cacheVersion(HttpResponse<String> response) {
        return response.headers().firstValue("X-Cache-Version").map(Long::parseLong).orElse(-1L);
    }

    private static String etag(HttpResponse<String> response) {
        return response.headers().firstValue("ETag").orElse("");
    }

    private static void pause(Random random, int fromMillis, int toMillis) {
        try {
            Thread.sleep(fromMillis + random.nextInt(toMillis - fromMillis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counts of something by kind, in a stable order. */
    static Map<String, Integer> sorted(Map<String, Integer> counts) {
        return new LinkedHashMap<>(new java.util.TreeMap<>(counts));
    }
}
