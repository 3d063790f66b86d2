package io.catalog.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.catalog.cache.CacheCoherence;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.JsonConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.config.JsonPathConfig.NumberReturnType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Shared helpers of the tests: unique ids and categories, admin requests, product creation over HTTP, exact JSON
 * reading (numbers as {@link BigDecimal}), the Redis event stream and reads through an edge (Varnish). Every test
 * that needs one of these uses it from here rather than a copy of its own; the multi-pod tests' own client
 * ({@code io.catalog.coherence.CatalogClient}) speaks to several pods at once and stays with them.
 */
public final class TestCatalog {

    public static final String PROBLEM_JSON = "application/problem+json";
    public static final String EVENTS_STREAM = "catalog:events";

    /** JSON paths answer numbers as BigDecimal, so prices compare exactly. */
    public static final RestAssuredConfig EXACT = RestAssured.config()
            .jsonConfig(JsonConfig.jsonConfig().numberReturnType(NumberReturnType.BIG_DECIMAL));

    public static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** The header in which the edge (Varnish, the shipped VCL) says whether it answered from its cache. */
    public static final String EDGE_CACHE = "X-Varnish-Cache";

    private static final int POD_TIMEOUT_MILLIS = 10_000;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCatalog() {
    }

    /** Events this pod's feed has applied so far ({@code catalog.events.applied}), in a {@code @QuarkusTest}. */
    public static double appliedEvents() {
        return Arc.container().instance(MeterRegistry.class).get().get("catalog.events.applied").counter().count();
    }

    /**
     * Waits until this pod's own feed has applied {@code events} more events than {@code before} counted: a write
     * does not wait for its own pod's feed, which applies the event too, at a time of its own, and puts the version
     * into L1 again; a test that flushes L1 to see a miss flushes after that.
     */
    public static void awaitApplied(double before, int events) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> appliedEvents() >= before + events);
    }

    /**
     * Waits until this pod's own feed has applied the event of {@code sequence} (its newest applied entry's sequence is
     * at least that): unlike {@link #awaitApplied}, not satisfied by other events the feed applies meanwhile (another
     * test's late publishes). One pod hands out rising sequences and appends its writes' events in order.
     */
    public static void awaitFeedReached(long sequence) {
        CacheCoherence coherence = Arc.container().instance(CacheCoherence.class).get();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> coherence.feedReached() >= sequence);
    }

    // ---- ids -------------------------------------------------------------------------------------------------

    /** Ten random characters of {@code [a-z0-9]} (about 52 bits): what makes {@link #uniqueId} unique. */
    public static String suffix() {
        StringBuilder s = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    /**
     * An id no other test uses, {@code <hint>-<}{@link #suffix() suffix}{@code >}: a product's (and a valid one if
     * {@code hint} is), or anything else a test must not share with another (a pod in the acknowledgements).
     */
    public static String uniqueId(String hint) {
        return hint + "-" + suffix();
    }

    /** A category no other test uses (categories are lower case: {@code hint} is lowered). */
    public static String uniqueCategory(String hint) {
        return hint.toLowerCase() + "-" + suffix();
    }

    // ---- requests --------------------------------------------------------------------------------------------

    /** A request without credentials. */
    public static RequestSpecification anyone() {
        return RestAssured.given().config(EXACT);
    }

    /** A request with a valid admin token. */
    public static RequestSpecification admin() {
        return anyone().auth().oauth2(AdminTokens.admin());
    }

    /**
     * A request with a valid admin token to {@code pod}, a process of the packaged service, rather than to the
     * {@code @QuarkusTest} application; it gives up after 10 s without an answer.
     */
    public static RequestSpecification admin(Pod pod) {
        URI base = pod.uri("");
        return RestAssured.given()
                .config(EXACT.httpClient(HttpClientConfig.httpClientConfig()
                        .setParam("http.connection.timeout", POD_TIMEOUT_MILLIS)
                        .setParam("http.socket.timeout", POD_TIMEOUT_MILLIS)))
                .baseUri(base.getScheme() + "://" + base.getHost()).port(base.getPort())
                .auth().oauth2(AdminTokens.admin());
    }

    public static String productBody(String name, String category, String price) {
        return "{\"name\":" + quote(name) + ",\"category\":" + quote(category) + ",\"price\":" + price + "}";
    }

    public static String priceBody(String price) {
        return "{\"price\":" + price + "}";
    }

    public static String quote(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code PUT /admin/products/{id}} with {@code body} (JSON) through {@code admin} ({@link #admin()} for the
     * {@code @QuarkusTest} application, {@link #admin(Pod)} for a pod, either with more headers if need be), and its
     * answer, whatever it is: for the tests of the PUT itself. To have a product, {@link #create} it.
     */
    public static Response put(RequestSpecification admin, String id, String body) {
        return admin.contentType("application/json").body(body).put("/admin/products/{id}", id);
    }

    /**
     * Creates a product: {@link #put PUT} through {@code admin} its name, category and price as given (the price a
     * JSON number, written as is), asserts the answer is 201 Created (naming the id and the answer if not) and
     * returns it. The one way tests create a product over HTTP; the overloads below only fill in arguments.
     */
    public static Response create(RequestSpecification admin, String id, String name, String category, String price) {
        Response response = put(admin, id, productBody(name, category, price));
        assertThat(response.statusCode()).as("PUT /admin/products/%s: %s", id, response.asString()).isEqualTo(201);
        return response;
    }

    /**
     * {@link #create(RequestSpecification, String, String, String, String) Creates} "Product {@code id}" on the
     * {@code @QuarkusTest} application.
     */
    public static Response create(String id, String category, String price) {
        return create(admin(), id, "Product " + id, category, price);
    }

    /** Creates a product with a {@link #uniqueId unique id} and returns that id. */
    public static String createUnique(String hint, String category, String price) {
        String id = uniqueId(hint);
        create(id, category, price);
        return id;
    }

    public static Response patchPrice(String id, String price) {
        return admin().contentType("application/json").body(priceBody(price)).patch("/admin/products/{id}/price", id);
    }

    /** The product as the public API serves it, parsed exactly. */
    public static JsonNode read(String id) {
        Response response = anyone().get("/products/{id}", id);
        assertThat(response.statusCode()).as("GET /products/%s: %s", id, response.asString()).isEqualTo(200);
        return json(response.asString());
    }

    public static JsonNode json(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    public static BigDecimal decimal(String s) {
        return new BigDecimal(s);
    }

    /** Asserts a problem document: problem+json with type, title, status (= the HTTP status) and detail. */
    public static JsonNode assertProblem(Response response, int status) {
        String body = response.asString();
        assertThat(response.statusCode()).as("status; body: %s", body).isEqualTo(status);
        assertThat(response.contentType()).as("content type of %s answer: %s", status, body).startsWith(PROBLEM_JSON);
        JsonNode problem = json(body);
        assertThat(problem.path("type").isTextual()).as("type in %s", body).isTrue();
        assertThat(problem.path("title").isTextual()).as("title in %s", body).isTrue();
        assertThat(problem.path("status").asInt()).as("status in %s", body).isEqualTo(status);
        assertThat(problem.path("detail").isTextual()).as("detail in %s", body).isTrue();
        assertNoStackTrace(body);
        return problem;
    }

    /**
     * Checks every answer as a problem of {@code status} and reports all the ones that are not, not just the
     * first; {@code label} names the request of each answer.
     */
    public static void assertAllProblems(Map<String, Response> answers, int status) {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Response> answer : answers.entrySet()) {
            try {
                assertProblem(answer.getValue(), status);
            } catch (AssertionError e) {
                wrong.add(answer.getKey() + " -> " + answer.getValue().statusCode() + " "
                        + answer.getValue().contentType() + " " + answer.getValue().asString());
            }
        }
        assertThat(wrong).as("answers that are not %s application/problem+json", status).isEmpty();
    }

    public static void assertNoStackTrace(String body) {
        assertThat(body).doesNotContain("at io.").doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContain("at java.").doesNotContain("at org.");
    }

    // ---- the edge --------------------------------------------------------------------------------------------

    /**
     * Reads {@code path} through {@code edge} until it is a HIT (the first read fills the edge) and returns that
     * HIT; fails if none came {@code within}.
     */
    public static Response cachedAtTheEdge(VarnishServer edge, String path, Duration within) {
        return Awaitility.await(path + " cached at the edge").atMost(within).pollDelay(Duration.ZERO).until(
                () -> RestAssured.given().port(edge.port()).get(path),
                r -> r.statusCode() == 200 && "HIT".equals(r.header(EDGE_CACHE)));
    }

    /**
     * Waits until the edge purge group (one consumer per pod, {@code catalog.edge.purge.group}) has purged and
     * acknowledged every entry the events stream holds now: what earlier writes purge is off the edge, and no purge of
     * theirs comes later to evict what is cached from now on.
     */
    public static void edgePurgesCaughtUp() {
        String newest = null;
        for (String line : LocalStackResource.redis().command("XREVRANGE", EVENTS_STREAM, "+", "-", "COUNT", "1")
                .split("\r\n")) {
            if (line.matches("\\d+-\\d+")) {
                newest = line;
                break;
            }
        }
        if (newest == null) {
            return;
        }
        String through = newest;
        Awaitility.await("edge purges through " + through).atMost(Duration.ofSeconds(10)).until(() -> {
            List<String> lines = List.of(LocalStackResource.redis().command("XINFO", "GROUPS", EVENTS_STREAM)
                    .split("\r\n"));
            int group = lines.indexOf("catalog-edge-purge");
            long pending = -1;
            String delivered = null;
            for (int i = Math.max(0, group); group >= 0 && i < lines.size() - 2; i++) {
                if (pending < 0 && lines.get(i).equals("pending")) {
                    pending = Long.parseLong(lines.get(i + 1).substring(1));
                }
                if (delivered == null && lines.get(i).equals("last-delivered-id")) {
                    delivered = lines.get(i + 2);
                }
            }
            return pending == 0 && delivered != null
                    && io.catalog.events.FeedPosition.compare(delivered, through) >= 0;
        });
    }

    // ---- events ----------------------------------------------------------------------------------------------

    /** The events of the stream (newest first, up to {@code count}), parsed. */
    public static List<JsonNode> latestEvents(int count) {
        String reply = LocalStackResource.redis().command("XREVRANGE", EVENTS_STREAM, "+", "-", "COUNT",
                Integer.toString(count));
        List<JsonNode> events = new ArrayList<>();
        for (String line : reply.split("\r\n")) {
            if (line.startsWith("{")) {
                events.add(json(line));
            }
        }
        return events;
    }

    /** The events of one product, oldest first. */
    public static List<JsonNode> eventsOf(String productId) {
        List<JsonNode> all = latestEvents(2000);
        List<JsonNode> mine = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (productId.equals(all.get(i).path("productId").asText())) {
                mine.add(all.get(i));
            }
        }
        return mine;
    }

    /** Waits (up to 10 s) until the product has at least {@code count} events in the stream; returns them. */
    public static List<JsonNode> awaitEvents(String productId, int count) {
        return await(() -> {
            List<JsonNode> events = eventsOf(productId);
            return events.size() >= count ? events : null;
        }, "at least " + count + " events of " + productId + " in " + EVENTS_STREAM);
    }

    /** Polls {@code probe} (up to 10 s) until it answers something; returns that. */
    public static <T> T await(Supplier<T> probe, String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(probe::get, Objects::nonNull);
    }

    public static Map<String, Object> map(Object... keyValues) {
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /**
     * Sends {@code request} (head and as much body as given, possibly unfinished) on a raw connection and returns what
     * the service answers within {@code wait}, up to the end of the connection or of the wait; empty if nothing came.
     */
    public static String rawExchange(int port, String request, Duration wait) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) wait.toMillis());
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            long deadline = System.nanoTime() + wait.toNanos();
            try {
                int n;
                while (System.nanoTime() < deadline && (n = socket.getInputStream().read(buffer)) > 0) {
                    answer.write(buffer, 0, n);
                    if (answer.toString(java.nio.charset.StandardCharsets.ISO_8859_1).contains("\r\n\r\n{")
                            && answer.toString(java.nio.charset.StandardCharsets.ISO_8859_1).endsWith("}")) {
                        break; // a whole problem document: enough
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // what came within the wait
            }
            return answer.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
