package io.catalog.edge;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local HTTP endpoint that records the CloudFront API calls of the AWS SDK: it is a recorder, not CloudFront.
 * {@code CreateInvalidation} is recorded and answered {@code InProgress}; {@code GetInvalidation} answers
 * {@code Completed} once the test has called {@link #completeAll()}. It tracks the most paths ever in progress.
 */
public final class RecordedCloudFrontEndpoint implements AutoCloseable {

    private static final String NS = "http://cloudfront.amazonaws.com/doc/2020-05-31/";
    private static final Pattern PATH = Pattern.compile("<Path>(.*?)</Path>");
    private static final Pattern REFERENCE = Pattern.compile("<CallerReference>(.*?)</CallerReference>");
    private static final Pattern INVALIDATIONS = Pattern.compile("/2020-05-31/distribution/([^/]+)/invalidation(?:/(.+))?");

    /** One recorded {@code CreateInvalidation}. */
    public record Call(String distributionId, String id, String callerReference, List<String> paths) {
    }

    public final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> inProgress = new ConcurrentHashMap<>();
    private final Set<String> completed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger maxPathsInProgress = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private final HttpServer server;

    public RecordedCloudFrontEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Every path sent, in order. */
    public List<String> paths() {
        List<String> all = new ArrayList<>();
        calls.forEach(call -> all.addAll(call.paths()));
        return all;
    }

    int maxPathsInProgress() {
        return maxPathsInProgress.get();
    }

    /** Marks every invalidation created so far as completed. */
    synchronized void completeAll() {
        completed.addAll(inProgress.keySet());
        inProgress.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Matcher path = INVALIDATIONS.matcher(exchange.getRequestURI().getPath());
        if (!path.matches()) {
            respond(exchange, 404, "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type>"
                    + "<Code>NoSuchResource</Code><Message>not recorded</Message></Error></ErrorResponse>");
        } else if ("POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 201, create(path.group(1), body));
        } else {
            String id = path.group(2);
            respond(exchange, 200, invalidation(id, completed.contains(id) ? "Completed" : "InProgress", "", List.of()));
        }
    }

    private synchronized String create(String distributionId, String body) {
        List<String> paths = new ArrayList<>();
        Matcher m = PATH.matcher(body);
        while (m.find()) {
            paths.add(m.group(1).replace("&amp;", "&"));
        }
        Matcher reference = REFERENCE.matcher(body);
        String callerReference = reference.find() ? reference.group(1) : "";
        String id = "I" + ids.incrementAndGet();
        calls.add(new Call(distributionId, id, callerReference, List.copyOf(paths)));
        inProgress.put(id, paths.size());
        int now = inProgress.values().stream().mapToInt(Integer::intValue).sum();
        maxPathsInProgress.accumulateAndGet(now, Math::max);
        return invalidation(id, "InProgress", callerReference, paths);
    }

    private static String invalidation(String id, String status, String reference, List<String> paths) {
        StringBuilder items = new StringBuilder();
        paths.forEach(p -> items.append("<Path>").append(p.replace("&", "&amp;")).append("</Path>"));
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Invalidation xmlns=\"" + NS + "\"><Id>" + id + "</Id>"
                + "<Status>" + status + "</Status><CreateTime>2026-11-05T10:00:00Z</CreateTime>"
                + "<InvalidationBatch><Paths><Quantity>" + paths.size() + "</Quantity><Items>" + items
                + "</Items></Paths><CallerReference>" + reference + "</CallerReference></InvalidationBatch>"
                + "</Invalidation>";
    }

    private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/xml");
        exchange.getResponseHeaders().add("x-amz-request-id", "recorded");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
