package io.catalog.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A DynamoDB-wire proxy in front of dynalite whose eventually consistent reads lag: the model of a DynamoDB replica
 * that has not caught up, and of DAX's item cache after writes that did not go through it. dynalite itself never
 * lags, so without this proxy the tests live in a world where every read is current.
 * <p>
 * <b>The model.</b> While {@link #lag(Duration) a lag} is set, every eventually consistent read answers as the table
 * was {@code lag} ago: {@code GetItem} and {@code BatchGetItem} without {@code ConsistentRead}, and every
 * {@code Query} (on an index: a global secondary index is never strongly consistent) and {@code Scan}. Strongly
 * consistent reads answer the current state, as DynamoDB (and DAX, which passes them through) do. A lag of zero turns
 * the fault off; the history is recorded all along, so turning it on lags at once.
 * <p>
 * <b>How.</b> Every write (PutItem, UpdateItem, DeleteItem, BatchWriteItem) is recorded per item: the state before the
 * item's first recorded write (a consistent GetItem), then, for each write, when it was sent and the state after it.
 * An eventually consistent read of an item with a write younger than the lag answers the state as of the lag ago;
 * queries and scans of a table with such writes are answered from a full scan of dynalite with those items taken back
 * to their old state, sorted by the index's keys and paginated by the proxy. Query shapes beyond what the service sends
 * (one equality on the hash key, no filter) and scans with filters other than {@code attribute_exists} are forwarded as
 * they are. Responses the proxy rewrites lose dynalite's {@code x-amz-crc32} (the SDK checks it when present).
 */
public final class LaggingDynamo implements AutoCloseable {

    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "transfer-encoding", "keep-alive");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** History older than this is folded into the items' old state: the longest lag a test may set. */
    static final Duration RETENTION = Duration.ofMinutes(10);

    /** One recorded state of an item: its attributes after a write sent at {@code atNanos}, or {@code null}. */
    private record State(long atNanos, JsonNode item) {
    }

    /** The recorded states of one item: the one before its first recorded write, then one per write. */
    private static final class History {
        JsonNode initial;
        final Deque<State> writes = new ArrayDeque<>();

        synchronized JsonNode at(long nanos) {
            JsonNode found = initial;
            for (State state : writes) {
                if (state.atNanos() - nanos > 0) {
                    break;
                }
                found = state.item();
            }
            return found;
        }

        synchronized boolean changedAfter(long nanos) {
            return !writes.isEmpty() && writes.peekLast().atNanos() - nanos > 0;
        }

        synchronized void prune(long before) {
            while (writes.size() > 1 && writes.peekFirst().atNanos() - before < 0) {
                initial = writes.pollFirst().item();
            }
        }
    }

    /** A table's key attributes and those of its indexes. */
    private record Schema(List<String> tableKey, Map<String, List<String>> indexKeys,
            Map<String, String> indexProjection, Map<String, String> types) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(48);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).executor(Executors.newFixedThreadPool(8)).build();
    private final URI target;
    private final LongSupplier clock;
    private final Map<String, History> histories = new ConcurrentHashMap<>();
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final Object[] stripes = new Object[64];
    private final AtomicLong laggedReads = new AtomicLong();
    private volatile long lagNanos;

    private LaggingDynamo(URI target, LongSupplier clock) throws IOException {
        this.target = target;
        this.clock = clock;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** A proxy on a free port in front of {@code targetEndpoint} (dynalite's), not lagging yet. */
    public static LaggingDynamo start(String targetEndpoint) {
        try {
            return new LaggingDynamo(URI.create(targetEndpoint), System::nanoTime);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Eventually consistent reads answer as of {@code lag} ago from now on; zero turns the fault off. */
    public void lag(Duration lag) {
        if (lag.compareTo(RETENTION) > 0) {
            throw new IllegalArgumentException("at most " + RETENTION);
        }
        this.lagNanos = lag.toNanos();
    }

    public Duration lag() {
        return Duration.ofNanos(lagNanos);
    }

    /** Eventually consistent reads so far that answered an item older than its current state (or its absence). */
    public long laggedReads() {
        return laggedReads.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
            switch (operation) {
                case "PutItem", "UpdateItem", "DeleteItem" -> write(exchange, body, operation);
                case "BatchWriteItem" -> batchWrite(exchange, body);
                case "GetItem" -> getItem(exchange, body);
                case "BatchGetItem" -> batchGet(exchange, body);
                case "Query", "Scan" -> queryOrScan(exchange, body, operation);
                default -> relay(exchange, forward(exchange, body));
            }
        } catch (RuntimeException | IOException e) {
            exchange.sendResponseHeaders(502, -1);
        }
    }

    // ---- writes: record the state before (once) and after each one

    private void write(HttpExchange exchange, byte[] body, String operation) throws IOException {
        JsonNode request = JSON.readTree(body);
        String table = request.path("TableName").asText();
        JsonNode key = operation.equals("PutItem") ? keyOf(table, request.path("Item")) : request.path("Key");
        String id = itemId(table, key);
        HttpResponse<byte[]> response;
        synchronized (stripe(id)) {
            History history = history(table, key, id);
            long sent = clock.getAsLong();
            response = forward(exchange, body);
            record(history, sent, table, key);
        }
        relay(exchange, response);
    }

    private void batchWrite(HttpExchange exchange, byte[] body) throws IOException {
        JsonNode request = JSON.readTree(body);
        List<String[]> items = new ArrayList<>();
        List<JsonNode> keys = new ArrayList<>();
        request.path("RequestItems").fields().forEachRemaining(table -> {
            for (JsonNode write : table.getValue()) {
                JsonNode key = write.has("PutRequest") ? keyOf(table.getKey(), write.path("PutRequest").path("Item"))
                        : write.path("DeleteRequest").path("Key");
                items.add(new String[] { table.getKey(), itemId(table.getKey(), key) });
                keys.add(key);
            }
        });
        List<History> recorded = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            recorded.add(history(items.get(i)[0], keys.get(i), items.get(i)[1]));
        }
        long sent = clock.getAsLong();
        HttpResponse<byte[]> response = forward(exchange, body);
        for (int i = 0; i < items.size(); i++) {
            synchronized (stripe(items.get(i)[1])) {
                record(recorded.get(i), sent, items.get(i)[0], keys.get(i));
            }
        }
        relay(exchange, response);
    }

    private History history(String table, JsonNode key, String id) throws IOException {
        History history = histories.get(id);
        if (history == null) {
            History fresh = new History();
            fresh.initial = currentItem(table, key);
            history = histories.computeIfAbsent(id, k -> fresh);
        }
        return history;
    }

    private void record(History history, long sent, String table, JsonNode key) throws IOException {
        JsonNode after = currentItem(table, key);
        synchronized (history) {
            history.writes.addLast(new State(sent, after));
            history.prune(clock.getAsLong() - RETENTION.toNanos());
        }
    }

    private Object stripe(String id) {
        return stripes[(id.hashCode() & 0x7fffffff) % stripes.length];
    }

    // ---- reads

    private void getItem(HttpExchange exchange, byte[] body) throws IOException {
        JsonNode request = JSON.readTree(body);
        long lag = lagNanos;
        String table = request.path("TableName").asText();
        if (lag == 0 || request.path("ConsistentRead").asBoolean(false)) {
            relay(exchange, forward(exchange, body));
            return;
        }
        History history = histories.get(itemId(table, request.path("Key")));
        long asOf = clock.getAsLong() - lag;
        if (history == null || !history.changedAfter(asOf)) {
            relay(exchange, forward(exchange, body));
            return;
        }
        laggedReads.incrementAndGet();
        ObjectNode answer = JSON.createObjectNode();
        JsonNode old = history.at(asOf);
        if (old != null) {
            answer.set("Item", old);
        }
        send(exchange, 200, JSON.writeValueAsBytes(answer));
    }

    private void batchGet(HttpExchange exchange, byte[] body) throws IOException {
        long lag = lagNanos;
        HttpResponse<byte[]> response = forward(exchange, body);
        if (lag == 0 || response.statusCode() != 200) {
            relay(exchange, response);
            return;
        }
        long asOf = clock.getAsLong() - lag;
        JsonNode request = JSON.readTree(body);
        ObjectNode answer = (ObjectNode) JSON.readTree(response.body());
        boolean changed = false;
        for (Iterator<Map.Entry<String, JsonNode>> tables = request.path("RequestItems").fields(); tables.hasNext();) {
            Map.Entry<String, JsonNode> table = tables.next();
            if (table.getValue().path("ConsistentRead").asBoolean(false)) {
                continue;
            }
            ArrayNode returned = answer.with("Responses").withArray(table.getKey());
            for (JsonNode key : table.getValue().path("Keys")) {
                String id = itemId(table.getKey(), key);
                History history = histories.get(id);
                if (history == null || !history.changedAfter(asOf)) {
                    continue;
                }
                boolean present = false;
                for (Iterator<JsonNode> it = returned.elements(); it.hasNext();) {
                    if (itemId(table.getKey(), keyOf(table.getKey(), it.next())).equals(id)) {
                        it.remove();
                        present = true;
                    }
                }
                if (!present && unprocessed(answer, table.getKey(), id)) {
                    continue;
                }
                JsonNode old = history.at(asOf);
                if (old != null) {
                    returned.add(old);
                }
                laggedReads.incrementAndGet();
                changed = true;
            }
        }
        if (!changed) {
            relay(exchange, response);
            return;
        }
        send(exchange, 200, JSON.writeValueAsBytes(answer));
    }

    private boolean unprocessed(JsonNode answer, String table, String id) {
        for (JsonNode key : answer.path("UnprocessedKeys").path(table).path("Keys")) {
            if (itemId(table, key).equals(id)) {
                return true;
            }
        }
        return false;
    }

    private void queryOrScan(HttpExchange exchange, byte[] body, String operation) throws IOException {
        long lag = lagNanos;
        JsonNode request = JSON.readTree(body);
        String table = request.path("TableName").asText();
        long asOf = clock.getAsLong() - lag;
        String prefix = table + "\u0000";
        boolean lagging = lag != 0 && !request.path("ConsistentRead").asBoolean(false)
                && histories.entrySet().stream()
                        .anyMatch(e -> e.getKey().startsWith(prefix) && e.getValue().changedAfter(asOf));
        Matcher matcher = lagging ? matcher(request, operation) : null;
        if (matcher == null) {
            relay(exchange, forward(exchange, body));
            return;
        }
        Schema schema = schema(table);
        String index = request.path("IndexName").asText(null);
        List<String> order = index == null ? schema.tableKey() : schema.indexKeys().get(index);
        List<JsonNode> items = new ArrayList<>();
        // what matches now, with the items written within the lag taken back to their state then
        for (JsonNode item : operation.equals("Query") ? queryAll(request) : scanAll(table)) {
            String id = itemId(table, keyOf(table, item));
            History history = histories.get(id);
            if (history == null || !history.changedAfter(asOf)) {
                items.add(item);
            }
        }
        for (Map.Entry<String, History> entry : histories.entrySet()) {
            if (entry.getKey().startsWith(prefix) && entry.getValue().changedAfter(asOf)) {
                JsonNode then = entry.getValue().at(asOf);
                laggedReads.incrementAndGet();
                if (then != null && matcher.matches(then) && (index == null || hasAll(then, order))) {
                    items.add(index == null ? then : project(then, schema, index));
                }
            }
        }
        Comparator<JsonNode> byKeys = comparator(order, schema).thenComparing(comparator(schema.tableKey(), schema));
        items.sort(byKeys);
        JsonNode start = request.get("ExclusiveStartKey");
        int from = 0;
        if (start != null && !start.isEmpty()) {
            while (from < items.size() && byKeys.compare(items.get(from), start) <= 0) {
                from++;
            }
        }
        int limit = request.path("Limit").asInt(Integer.MAX_VALUE);
        int to = (int) Math.min(items.size(), (long) from + limit);
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode page = answer.putArray("Items");
        items.subList(from, to).forEach(page::add);
        answer.put("Count", to - from);
        answer.put("ScannedCount", to - from);
        if (to < items.size()) {
            ObjectNode last = JSON.createObjectNode();
            JsonNode lastItem = items.get(to - 1);
            for (String attribute : union(schema.tableKey(), order)) {
                last.set(attribute, lastItem.get(attribute));
            }
            answer.set("LastEvaluatedKey", last);
        }
        send(exchange, 200, JSON.writeValueAsBytes(answer));
    }

    /** Which items a query or scan selects; {@code null} for a shape this proxy does not model. */
    @FunctionalInterface
    private interface Matcher {
        boolean matches(JsonNode item);
    }

    private Matcher matcher(JsonNode request, String operation) {
        Map<String, String> names = new java.util.HashMap<>();
        request.path("ExpressionAttributeNames").fields().forEachRemaining(e -> names.put(e.getKey(),
                e.getValue().asText()));
        if (operation.equals("Query")) {
            String condition = request.path("KeyConditionExpression").asText("").trim();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(#?\\w+)\\s*=\\s*(:\\w+)$").matcher(condition);
            if (!m.matches() || request.has("FilterExpression")) {
                return null;
            }
            String attribute = names.getOrDefault(m.group(1), m.group(1));
            JsonNode value = request.path("ExpressionAttributeValues").path(m.group(2));
            return item -> value.equals(item.get(attribute));
        }
        String filter = request.path("FilterExpression").asText("").trim();
        if (filter.isEmpty()) {
            return item -> true;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^attribute_exists\\((#?\\w+)\\)$").matcher(filter);
        if (!m.matches()) {
            return null;
        }
        String attribute = names.getOrDefault(m.group(1), m.group(1));
        return item -> item.has(attribute);
    }

    private List<JsonNode> scanAll(String table) throws IOException {
        return all("Scan", JSON.createObjectNode().put("TableName", table).put("ConsistentRead", true));
    }

    /** Every item the query selects now (its index's items as dynalite holds them), without its limit. */
    private List<JsonNode> queryAll(JsonNode request) throws IOException {
        ObjectNode query = request.deepCopy();
        query.remove("Limit");
        query.remove("ExclusiveStartKey");
        return all("Query", query);
    }

    private List<JsonNode> all(String operation, ObjectNode request) throws IOException {
        List<JsonNode> all = new ArrayList<>();
        JsonNode start = null;
        do {
            if (start != null) {
                request.set("ExclusiveStartKey", start);
            }
            JsonNode answer = JSON.readTree(call(operation, request));
            answer.path("Items").forEach(all::add);
            start = answer.get("LastEvaluatedKey");
        } while (start != null && !start.isEmpty());
        return all;
    }

    private static boolean hasAll(JsonNode item, List<String> attributes) {
        return attributes.stream().allMatch(item::has);
    }

    private JsonNode project(JsonNode item, Schema schema, String index) {
        if ("ALL".equals(schema.indexProjection().get(index))) {
            return item;
        }
        ObjectNode keys = JSON.createObjectNode();
        for (String attribute : union(schema.tableKey(), schema.indexKeys().get(index))) {
            keys.set(attribute, item.get(attribute));
        }
        return keys;
    }

    private static List<String> union(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        b.stream().filter(x -> !all.contains(x)).forEach(all::add);
        return all;
    }

    private boolean sameItem(String table, JsonNode a, JsonNode b) {
        return itemId(table, keyOf(table, a)).equals(itemId(table, keyOf(table, b)));
    }

    private static Comparator<JsonNode> comparator(List<String> attributes, Schema schema) {
        Comparator<JsonNode> result = (a, b) -> 0;
        for (String attribute : attributes) {
            boolean number = "N".equals(schema.types().get(attribute));
            result = result.thenComparing((a, b) -> {
                JsonNode x = a.path(attribute);
                JsonNode y = b.path(attribute);
                if (number) {
                    return new BigDecimal(x.path("N").asText("0")).compareTo(new BigDecimal(y.path("N").asText("0")));
                }
                return x.path("S").asText("").compareTo(y.path("S").asText(""));
            });
        }
        return result;
    }

    // ---- keys and schemas

    private Schema schema(String table) {
        return schemas.computeIfAbsent(table, t -> {
            try {
                JsonNode description = JSON.readTree(call("DescribeTable",
                        JSON.createObjectNode().put("TableName", t))).path("Table");
                List<String> tableKey = keyAttributes(description.path("KeySchema"));
                Map<String, List<String>> indexes = new java.util.HashMap<>();
                Map<String, String> projections = new java.util.HashMap<>();
                for (JsonNode index : description.path("GlobalSecondaryIndexes")) {
                    indexes.put(index.path("IndexName").asText(), keyAttributes(index.path("KeySchema")));
                    projections.put(index.path("IndexName").asText(),
                            index.path("Projection").path("ProjectionType").asText());
                }
                Map<String, String> types = new java.util.HashMap<>();
                description.path("AttributeDefinitions").forEach(d -> types.put(d.path("AttributeName").asText(),
                        d.path("AttributeType").asText()));
                return new Schema(tableKey, indexes, projections, types);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static List<String> keyAttributes(JsonNode keySchema) {
        List<String> hash = new ArrayList<>();
        List<String> range = new ArrayList<>();
        for (JsonNode element : keySchema) {
            (element.path("KeyType").asText().equals("HASH") ? hash : range)
                    .add(element.path("AttributeName").asText());
        }
        hash.addAll(range);
        return hash;
    }

    private JsonNode keyOf(String table, JsonNode item) {
        ObjectNode key = JSON.createObjectNode();
        for (String attribute : schema(table).tableKey()) {
            key.set(attribute, item.get(attribute));
        }
        return key;
    }

    private String itemId(String table, JsonNode key) {
        StringBuilder id = new StringBuilder(table).append('\u0000');
        for (String attribute : schema(table).tableKey()) {
            id.append(key.path(attribute).toString()).append('\u0000');
        }
        return id.toString();
    }

    private JsonNode currentItem(String table, JsonNode key) throws IOException {
        ObjectNode get = JSON.createObjectNode().put("TableName", table).put("ConsistentRead", true);
        get.set("Key", key);
        JsonNode answer = JSON.readTree(call("GetItem", get));
        JsonNode item = answer.get("Item");
        return item == null || item.isEmpty() ? null : item;
    }

    // ---- HTTP

    private byte[] call(String operation, JsonNode body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(target.resolve("/")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810." + operation)
                .header("X-Amz-Date", "20260101T000000Z")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
                        + "SignedHeaders=host, Signature=x")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
        HttpResponse<byte[]> response = send(request);
        if (response.statusCode() != 200) {
            throw new IOException(operation + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return response.body();
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                .timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            if (!NOT_FORWARDED.contains(header.getKey().toLowerCase())) {
                header.getValue().forEach(v -> request.header(header.getKey(), v));
            }
        }
        return send(request.build());
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws IOException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void relay(HttpExchange exchange, HttpResponse<byte[]> response) throws IOException {
        response.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase()) && !name.startsWith(":")) {
                values.forEach(v -> exchange.getResponseHeaders().add(name, v));
            }
        });
        byte[] answer = response.body();
        exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
        if (answer.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
