package io.catalog.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small HTTP proxy in front of dynalite that can answer {@code BatchGetItem} the way a throttled DynamoDB does:
 * with every key left unprocessed, or with {@code ProvisionedThroughputExceededException}; and that can lose the
 * answer to a write that dynalite applied ({@link #loseAnswers}: a 500 in its place, which the SDK retries, as after a
 * timed-out attempt that DynamoDB applied all the same). Everything else is forwarded as it is. The service under
 * test talks to it as its DynamoDB endpoint.
 */
public final class FaultyDynamo implements AutoCloseable {

    /** How the next {@code BatchGetItem} calls are answered. */
    public enum Fault {
        UNPROCESSED,
        THROTTLED
    }

    static final String THROTTLED_BODY = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
            + "ProvisionedThroughputExceededException\",\"message\":\"The level of configured provisioned throughput "
            + "for the table was exceeded.\"}";
    static final String LOST_BODY = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
            + "\"message\":\"Internal server error (the proxy lost dynalite's answer)\"}";
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "transfer-encoding", "keep-alive");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final URI target;
    private final AtomicInteger faultsLeft = new AtomicInteger();
    private final Map<String, AtomicInteger> batchGetsById = new ConcurrentHashMap<>();
    private volatile Fault fault = Fault.UNPROCESSED;
    /** The item whose calls get the faults, or {@code null} for any call. */
    private volatile String faultedId;
    private final AtomicInteger lostLeft = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();
    private volatile String lostOperation;
    private volatile String lostId;

    private FaultyDynamo(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** A proxy on a free port in front of {@code targetEndpoint} (dynalite's). */
    public static FaultyDynamo start(String targetEndpoint) {
        try {
            return new FaultyDynamo(URI.create(targetEndpoint));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Answers the next {@code times} BatchGetItem calls that ask for item {@code id} with {@code fault} (any call when
     * {@code id} is {@code null}): a read of the service's own in the background (the outbox relay's sweep) does not
     * use up a fault meant for the test's request.
     */
    public void inject(Fault fault, int times, String id) {
        this.fault = fault;
        this.faultedId = id;
        faultsLeft.set(times);
    }

    public void clear() {
        faultsLeft.set(0);
        lostLeft.set(0);
    }

    /**
     * The next {@code times} changes of item {@code id} by {@code operation} ({@code UpdateItem}, {@code PutItem}:
     * writes with their event, not the clear of an outbox) are forwarded, so dynalite applies them, and answered
     * {@code 500 InternalServerError} instead of dynalite's answer.
     */
    public void loseAnswers(String operation, String id, int times) {
        lostOperation = operation;
        lostId = id;
        lost.set(0);
        lostLeft.set(times);
    }

    /** Answers lost since {@link #loseAnswers}. */
    public int lost() {
        return lost.get();
    }

    /** BatchGetItem calls received so far that asked for the item {@code id}. */
    public int batchGetsOf(String id) {
        AtomicInteger count = batchGetsById.get(id);
        return count == null ? 0 : count.get();
    }

    /** Counts the call for each item it asks for; answers those items. */
    private Set<String> count(byte[] body) throws IOException {
        Set<String> ids = new java.util.HashSet<>();
        for (JsonNode table : JSON.readTree(body).path("RequestItems")) {
            for (JsonNode key : table.path("Keys")) {
                String id = key.path("id").path("S").asText();
                ids.add(id);
                batchGetsById.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            }
        }
        return ids;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String operation = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (operation != null && operation.endsWith(".BatchGetItem")) {
                Set<String> ids = count(body);
                String only = faultedId;
                if ((only == null || ids.contains(only)) && faultsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    answerFault(exchange, body);
                    return;
                }
            }
            if (operation != null && lostLeft.get() > 0 && operation.endsWith("." + lostOperation)
                    && losesAnswer(body) && lostLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                forward(exchange, body, true);
                lost.incrementAndGet();
                send(exchange, 500, LOST_BODY.getBytes(StandardCharsets.UTF_8));
                return;
            }
            forward(exchange, body, false);
        } catch (RuntimeException | IOException e) {
            exchange.sendResponseHeaders(502, -1);
        }
    }

    private void answerFault(HttpExchange exchange, byte[] body) throws IOException {
        if (fault == Fault.THROTTLED) {
            send(exchange, 400, THROTTLED_BODY.getBytes(StandardCharsets.UTF_8));
            return;
        }
        JsonNode requestItems = JSON.readTree(body).path("RequestItems");
        ObjectNode answer = JSON.createObjectNode();
        ObjectNode responses = answer.putObject("Responses");
        requestItems.fieldNames().forEachRemaining(table -> responses.putArray(table));
        answer.set("UnprocessedKeys", requestItems);
        send(exchange, 200, JSON.writeValueAsBytes(answer));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * Whether this write is one whose answer {@link #loseAnswers} loses: a change of the item named there with its event
     * (the writer's UpdateItem sets {@code :event}; its PutItem holds the whole item), not the clear of published events
     * from an outbox (an UpdateItem of its own, 0.5 s after a publish).
     */
    private boolean losesAnswer(byte[] body) throws IOException {
        JsonNode request = JSON.readTree(body);
        JsonNode key = request.has("Key") ? request.path("Key") : request.path("Item");
        return lostId.equals(key.path("id").path("S").asText())
                && (request.has("Item") || request.path("ExpressionAttributeValues").has(":event"));
    }

    /** Forwards the call; with {@code discard}, dynalite's answer is dropped and nothing is sent yet. */
    private void forward(HttpExchange exchange, byte[] body, boolean discard) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                .timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            if (!NOT_FORWARDED.contains(header.getKey().toLowerCase())) {
                header.getValue().forEach(v -> request.header(header.getKey(), v));
            }
        }
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (discard) {
            return;
        }
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

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
