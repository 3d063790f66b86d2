package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.assertProblem;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.ratelimit.Limit;
import io.catalog.ratelimit.RedisBuckets;
import io.catalog.testing.LocalStackResource;
import io.catalog.testing.SseClient;
import io.catalog.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Per-client rate limits (issue 11), with small limits and the forwarded-header settings of a deployment behind a
 * proxy, so that {@code X-Forwarded-For} names the client: a burst ends in 429 with {@code Retry-After} and the IETF
 * fields, another client is unaffected, the limit is shared through Redis, and it still holds (per pod) without
 * Redis.
 */
@QuarkusTest
@TestProfile(RateLimitTest.SmallLimits.class)
class RateLimitTest {

    static final int READS = 2;
    static final int CHECKOUT = 1;
    static final int MAX_REQUESTS = 200;
    static final int STREAMS = 2;
    private static final AtomicInteger CLIENTS = new AtomicInteger(1);

    @Inject
    ProductFastPath fastPath;
    @TestHTTPResource("/events/products")
    URI streams;

    /** Small limits; the client is the address in {@code X-Forwarded-For}. */
    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("catalog.rate-limit.enabled", "true",
                    "catalog.rate-limit.reads-per-second", Integer.toString(READS),
                    "catalog.rate-limit.checkout-per-second", Integer.toString(CHECKOUT),
                    "quarkus.http.proxy.proxy-address-forwarding", "true",
                    "quarkus.http.proxy.allow-x-forwarded", "true",
                    "catalog.rate-limit.client-header", "CloudFront-Viewer-Address",
                    "catalog.live.max-streams-per-client", Integer.toString(STREAMS));
        }
    }

    /** A client address no other test uses (TEST-NET-2). */
    static String newClient() {
        int n = CLIENTS.getAndIncrement();
        return "198.51." + (n / 250) + "." + (n % 250 + 1);
    }

    static Response read(String client) {
        return anyone().header("X-Forwarded-For", client).get("/products/{id}", uniqueId("rl"));
    }

    static Response read(String client, String viewerAddress) {
        return anyone().header("X-Forwarded-For", client).header("CloudFront-Viewer-Address", viewerAddress)
                .get("/products/{id}", uniqueId("rl"));
    }

    static Response quote(String client) {
        return anyone().header("X-Forwarded-For", client).contentType("application/json")
                .body("{\"items\":[{\"id\":\"" + uniqueId("rl") + "\",\"quantity\":1}]}").post("/checkout/quote");
    }

    /** Reads until the first 429 (at most MAX_REQUESTS); returns it with the number of answers before it. */
    static Map.Entry<Integer, Response> readUntilLimited(String client) {
        return readUntilLimited(client, null);
    }

    static Map.Entry<Integer, Response> readUntilLimited(String client, String viewerAddress) {
        for (int i = 0; i < MAX_REQUESTS; i++) {
            Response response = viewerAddress == null ? read(client) : read(client, viewerAddress);
            if (response.statusCode() == 429) {
                return Map.entry(i, response);
            }
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(404);
        }
        throw new AssertionError("no 429 after " + MAX_REQUESTS + " reads");
    }

    @Test
    void aBurstOfReadsEndsIn429WithRetryAfterAndTheRateLimitFields() {
        Map.Entry<Integer, Response> limited = readUntilLimited(newClient());
        assertThat(limited.getKey()).as("requests answered before the 429").isGreaterThanOrEqualTo(2 * READS);
        Response response = limited.getValue();
        JsonNode problem = assertProblem(response, 429);
        assertThat(problem.path("type").asText()).endsWith("/rate-limited");
        assertThat(Long.parseLong(response.header("Retry-After"))).isGreaterThanOrEqualTo(1);
        assertThat(response.header("RateLimit-Policy")).isEqualTo("\"reads\";q=" + 2 * READS + ";w=2");
        assertThat(response.header("RateLimit")).startsWith("\"reads\";r=0;t=");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void l1HitsOfTheFastPathCountAgainstTheSameLimit() {
        String id = uniqueId("rl-fast");
        create(id, uniqueCategory("rl"), "1.00");
        String client = newClient();
        long before = fastPath.answered();
        Response limited = null;
        for (int i = 0; i < MAX_REQUESTS && limited == null; i++) {
            Response response = anyone().header("X-Forwarded-For", client).get("/products/{id}", id);
            if (response.statusCode() == 429) {
                limited = response;
            } else {
                assertThat(response.statusCode()).isEqualTo(200);
            }
        }
        assertThat(limited).as("a 429 within " + MAX_REQUESTS + " reads").isNotNull();
        assertThat(limited.header("RateLimit-Policy")).startsWith("\"reads\"");
        assertThat(fastPath.answered() - before).as("reads answered by the fast path before the limit").isPositive();
    }

    @Test
    void anotherClientAndAnotherClassAreUnaffected() {
        String flooder = newClient();
        readUntilLimited(flooder);
        assertThat(read(newClient()).statusCode()).isEqualTo(404);
        assertThat(quote(flooder).statusCode()).as("checkout has its own bucket").isEqualTo(404);
        assertThat(anyone().get("/q/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void theConfiguredClientHeaderWinsOverTheForwardedAddress() {
        String proxy = newClient();
        String viewer = newClient();
        Map.Entry<Integer, Response> limited = readUntilLimited(proxy, viewer + ":40001");
        assertThat(limited.getValue().statusCode()).isEqualTo(429);
        // the same viewer from another port finds its bucket (nearly) empty: fewer answers than a new bucket's burst
        assertThat(readUntilLimited(proxy, viewer + ":40002").getKey()).as("same viewer, another port")
                .isLessThan(2 * READS);
        assertThat(read(proxy, newClient() + ":40001").statusCode()).as("another viewer, same proxy").isEqualTo(404);
        assertThat(read(proxy).statusCode()).as("the forwarded address without the header").isEqualTo(404);
    }

    @Test
    void checkoutQuotesHaveTheirOwnSmallerLimit() {
        String client = newClient();
        int answered = 0;
        Response response = quote(client);
        while (response.statusCode() != 429 && answered < MAX_REQUESTS) {
            answered++;
            response = quote(client);
        }
        assertProblem(response, 429);
        assertThat(answered).isGreaterThanOrEqualTo(2 * CHECKOUT);
        assertThat(response.header("RateLimit-Policy")).startsWith("\"checkout\";");
        assertThat(read(client).statusCode()).isEqualTo(404);
    }

    /**
     * A client over its limit is refused before its body is read: a quote whose chunked body never ends is answered
     * 429 at once (the body was buffered first, so such a request pinned memory and got no answer at all).
     */
    @Test
    void theLimitIsTakenBeforeAnyBodyIsRead() throws Exception {
        String client = newClient();
        int spent = 0;
        while (quote(client).statusCode() != 429) {
            assertThat(++spent).as("quotes before the client is limited").isLessThan(MAX_REQUESTS);
        }
        String answer = TestCatalog.rawExchange(io.restassured.RestAssured.port, "POST /checkout/quote HTTP/1.1\r\n"
                + "Host: localhost\r\nX-Forwarded-For: " + client + "\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"items\":[{\"id\":\r\n", Duration.ofSeconds(5));
        assertThat(answer).as("the answer to an unfinished chunked body over the limit").startsWith("HTTP/1.1 429")
                .contains("rate-limited");
    }

    /** Waits until this pod counts in Redis again (after a Redis restart it counts alone for a moment). */
    static void awaitSharedBuckets() {
        Limit reads = Limit.of("reads", READS);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String probe = newClient();
            read(probe);
            return LocalStackResource.redis().command("EXISTS", RedisBuckets.key("catalog:", probe, reads))
                    .contains("1");
        });
    }

    @Test
    void theBucketIsSharedThroughRedisWithTheOtherPods() {
        awaitSharedBuckets();
        String client = newClient();
        Limit reads = Limit.of("reads", READS);
        // another pod spends this client's whole burst
        for (int i = 0; i < reads.burst(); i++) {
            LocalStackResource.redis().command("EVAL", RedisBuckets.SCRIPT, "1",
                    RedisBuckets.key("catalog:", client, reads), Integer.toString(reads.rate()),
                    Integer.toString(reads.burst()));
        }
        // a bucket of this pod's own would answer a whole burst first
        assertThat(readUntilLimited(client).getKey()).isLessThan(reads.burst());
    }

    @Test
    void withoutRedisEachPodStillLimits() {
        LocalStackResource.redis().kill();
        try {
            Map.Entry<Integer, Response> limited = readUntilLimited(newClient());
            assertThat(limited.getValue().header("Retry-After")).isNotBlank();
        } finally {
            LocalStackResource.redis().restart();
        }
        awaitSharedBuckets();
    }

    @Test
    void liveStreamsAreCountedPerClientAsTheRateLimitNamesIt() {
        // one proxy address (X-Forwarded-For) for every viewer, as behind CloudFront: the viewer header names the client
        String proxy = newClient();
        String viewer = newClient() + ":4431";
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS; i++) {
                SseClient stream = SseClient.open(streams, Map.of("X-Forwarded-For", proxy,
                        "CloudFront-Viewer-Address", viewer));
                open.add(stream);
                assertThat(stream.status()).as("stream %d of %s", i + 1, viewer).isEqualTo(200);
            }
            Response refused = anyone().header("X-Forwarded-For", proxy).header("CloudFront-Viewer-Address", viewer)
                    .get("/events/products");
            JsonNode problem = assertProblem(refused, 429);
            assertThat(problem.path("type").asText()).endsWith("/too-many-streams");
            assertThat(problem.path("detail").asText()).contains("At most " + STREAMS + " ");

            SseClient another = SseClient.open(streams, Map.of("X-Forwarded-For", proxy,
                    "CloudFront-Viewer-Address", newClient() + ":4431"));
            open.add(another);
            assertThat(another.status()).as("another viewer behind the same proxy").isEqualTo(200);
        } finally {
            open.forEach(SseClient::close);
        }
    }
}
