package io.catalog.rest;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.assertProblem;
import static io.catalog.testing.TestCatalog.createUnique;
import static io.catalog.testing.TestCatalog.priceBody;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.catalog.testing.LocalStackResource;
import io.catalog.testing.TestCatalog;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * A store that hangs (dynalite frozen with SIGSTOP, then continued with SIGCONT) and a store that throttles (an
 * injected ProvisionedThroughputExceededException on every attempt): cold reads, writes and quotes answer 503
 * problem+json with Retry-After before the client's 3 s deadline; what L1 holds is still served; liveness stays
 * up; once the store is back, writes work again.
 */
@Tag("slow")
@QuarkusTest
@TestProfile(StoreOutageTest.WithThrottlingInjector.class)
class StoreOutageTest {

    /** The client's deadline: an answer later than this is no answer. */
    static final int DEADLINE_MILLIS = 3000;

    public static class WithThrottlingInjector implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.dynamodb.interceptors", ThrottlingInjector.class.getName(),
                    "catalog.dynamodb.breaker.delay", "2500ms");
        }
    }

    private static RequestSpecification withDeadline(RequestSpecification request) {
        return request.config(TestCatalog.EXACT.httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.connection.timeout", DEADLINE_MILLIS)
                .setParam("http.socket.timeout", DEADLINE_MILLIS)));
    }

    /** Reads {@code id} until L1 answers it, so that it is held there when the store goes away. */
    private static void warm(String id) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "L1".equals(anyone().get("/products/{id}", id).header("X-Cache")));
    }

    private static void assertUnavailable(Response response) {
        assertProblem(response, 503);
        assertThat(response.header("Retry-After")).as("Retry-After: the breaker's delay (2.5 s), rounded up")
                .isEqualTo("3");
    }

    private static Response coldRead() {
        return withDeadline(anyone()).get("/products/{id}", TestCatalog.uniqueId("cold"));
    }

    private static Response patch(String id, String price) {
        return withDeadline(admin()).contentType("application/json").body(priceBody(price))
                .patch("/admin/products/{id}/price", id);
    }

    private static Response quote(String id) {
        return withDeadline(anyone()).contentType("application/json")
                .body("{\"items\":[{\"id\":\"" + id + "\",\"quantity\":1}]}").post("/checkout/quote");
    }

    private static void assertCachedReadsAndLivenessStillAnswer(String id) {
        Response cached = withDeadline(anyone()).get("/products/{id}", id);
        assertThat(cached.statusCode()).as("cached read: %s", cached.asString()).isEqualTo(200);
        assertThat(cached.header("X-Cache")).isEqualTo("L1");
        withDeadline(anyone()).get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aHungStoreAnswers503QuicklyServesWhatIsCachedAndRecovers() {
        String id = createUnique("hung", uniqueCategory("hung"), "10.00");
        warm(id);

        LocalStackResource.dynalite().pause();
        try {
            for (int round = 0; round < 2; round++) { // the first round waits for the call deadline, the next finds the breaker open
                assertUnavailable(coldRead());
                assertUnavailable(patch(id, "11.00"));
                assertUnavailable(quote(id));
                assertCachedReadsAndLivenessStillAnswer(id);
            }
        } finally {
            LocalStackResource.dynalite().resume();
        }

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> patch(id, "12.00").statusCode() == 200);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> anyone().get("/products/{id}", id).jsonPath().getString("price").equals("12.00"));
        quote(id).then().statusCode(200);
    }

    /**
     * Pages and summaries read a moment before the store hangs are served from the pod's tiers, within 1 s, for as
     * long as the pod's feed vouches for them; a page or summary nobody read answers 503 within the deadline.
     */
    @Test
    void warmPagesAndSummariesOutliveAHungStore() {
        String category = uniqueCategory("warmhung");
        createUnique("warm-a", category, "10.00");
        createUnique("warm-b", category, "20.00");
        String cold = uniqueCategory("coldhung");
        createUnique("cold-a", cold, "5.00");
        String page = "/products?category=" + category + "&limit=20";
        String summary = "/categories/" + category + "/summary";
        for (String path : List.of(page, summary)) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "L1".equals(anyone().get(path).header("X-Cache")));
        }

        LocalStackResource.dynalite().pause();
        try {
            for (int round = 0; round < 3; round++) {
                for (String path : List.of(page, summary)) {
                    long started = System.nanoTime();
                    Response warm = withDeadline(anyone()).get(path);
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    assertThat(warm.statusCode()).as("%s round %d: %s", path, round, warm.asString()).isEqualTo(200);
                    assertThat(millis).as("%s answered within 1 s", path).isLessThan(1000);
                }
                assertUnavailable(withDeadline(anyone()).get("/products?category=" + cold + "&limit=20"));
                // a summary the pod never served may still be in Redis (maintained there on every write): 200 from
                // L2, or 503 when that needs the store; never a late answer
                Response coldSummary = withDeadline(anyone()).get("/categories/" + cold + "/summary");
                if (coldSummary.statusCode() != 200) {
                    assertUnavailable(coldSummary);
                }
            }
        } finally {
            LocalStackResource.dynalite().resume();
        }
    }

    @Test
    void aThrottlingStoreBacksOffThenAnswers503AndRecovers() {
        String id = createUnique("throttled", uniqueCategory("throttled"), "20.00");
        warm(id);

        ThrottlingInjector.ATTEMPTS.set(0);
        ThrottlingInjector.THROTTLING.set(true);
        try {
            assertUnavailable(patch(id, "21.00"));
            assertThat(ThrottlingInjector.ATTEMPTS.get()).as("attempts of the throttled call (the SDK retried)")
                    .isGreaterThan(1);
            assertUnavailable(coldRead());
            assertUnavailable(quote(id));
            assertCachedReadsAndLivenessStillAnswer(id);
        } finally {
            ThrottlingInjector.THROTTLING.set(false);
        }

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> patch(id, "22.00").statusCode() == 200);
    }
}
