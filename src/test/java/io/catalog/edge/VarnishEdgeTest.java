package io.catalog.edge;

import static io.catalog.testing.TestCatalog.EDGE_CACHE;
import static io.catalog.testing.TestCatalog.cachedAtTheEdge;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.edgePurgesCaughtUp;
import static io.catalog.testing.TestCatalog.suffix;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.catalog.testing.AdminTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The service behind a real Varnish running the shipped VCL with xkey: a price change is purged from the edge
 * long before its max-age could expire, precisely (other categories stay cached), and a bulk update costs a handful of purge
 * requests.
 */
@Tag("slow")
@QuarkusTest
@QuarkusTestResource(value = VarnishResource.class, restrictToAnnotatedClass = true)
class VarnishEdgeTest {

    private static final Logger LOG = Logger.getLogger(VarnishEdgeTest.class);
    private static final JsonPathConfig EXACT = new JsonPathConfig(JsonPathConfig.NumberReturnType.BIG_DECIMAL);
    /** How long the edge may take to hold a copy to answer from. */
    private static final Duration CACHED_WITHIN = Duration.ofSeconds(5);
    /** Far below the edge's max-age (30 s), so that only a purge can have refreshed a cached copy in time. */
    private static final Duration PURGED_WITHIN = Duration.ofSeconds(10);

    @Inject
    MeterRegistry registry;

    private static RequestSpecification admin() throws Exception {
        return given().auth().oauth2(AdminTokens.admin()).contentType("application/json");
    }

    private static Response viaEdge(String path) {
        return given().port(VarnishResource.varnish().port()).get(path);
    }

    private static BigDecimal number(Response response, String field) {
        return new BigDecimal(response.jsonPath(EXACT).get(field).toString());
    }

    /**
     * Reads {@code path} through Varnish until it answers {@code fresh}. The deadline is far inside the edge's
     * max-age (30 s): an edge copy that becomes fresh before it can have expired was purged.
     */
    private static Response refreshedAtTheEdge(String path, Predicate<Response> fresh) {
        return await(path + " refreshed at the edge").atMost(PURGED_WITHIN).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20)).until(() -> viaEdge(path), r -> r.statusCode() == 200 && fresh.test(r));
    }

    @Test
    void aPriceChangeIsPurgedFromTheEdgeAndOtherCategoriesStayCached() throws Exception {
        String suffix = suffix();
        String category = "edge-" + suffix;
        String other = "edge-other-" + suffix;
        create("edge-a-" + suffix, category, "10.00");
        create("edge-b-" + suffix, category, "20.00");
        create("edge-c-" + suffix, other, "30.00");
        // the creations' own purges are done: none of them can evict what the edge caches below
        edgePurgesCaughtUp();
        String product = "/products/edge-a-" + suffix;
        String summary = "/categories/" + category + "/summary";
        String untouched = "/products/edge-c-" + suffix;

        assertThat(number(cachedAtTheEdge(VarnishResource.varnish(), product, CACHED_WITHIN), "price"))
                .isEqualByComparingTo("10.00");
        assertThat(number(cachedAtTheEdge(VarnishResource.varnish(), summary, CACHED_WITHIN), "minPrice"))
                .isEqualByComparingTo("10.00");
        assertThat(number(cachedAtTheEdge(VarnishResource.varnish(), untouched, CACHED_WITHIN), "price"))
                .isEqualByComparingTo("30.00");

        admin().body("{\"price\":15.00}").patch("/admin/products/{id}/price", "edge-a-" + suffix).then()
                .statusCode(200);

        // the edge served 10.00 from its cache (HIT) a moment ago; before its max-age could run out it serves the
        // new price, fetched again from the service: the purge, and not an expiry, removed the old copy
        assertThat(refreshedAtTheEdge(product, r -> number(r, "price").compareTo(new BigDecimal("15.00")) == 0)
                .header(EDGE_CACHE)).as("first answer after the purge").isNotEqualTo("HIT");
        assertThat(number(cachedAtTheEdge(VarnishResource.varnish(), product, CACHED_WITHIN), "price"))
                .isEqualByComparingTo("15.00");
        refreshedAtTheEdge(summary, r -> number(r, "minPrice").compareTo(new BigDecimal("15.00")) == 0);
        assertThat(number(cachedAtTheEdge(VarnishResource.varnish(), summary, CACHED_WITHIN), "minPrice"))
                .isEqualByComparingTo("15.00");

        Response still = viaEdge(untouched);
        assertThat(still.header(EDGE_CACHE)).as("another category's product stays cached").isEqualTo("HIT");
        assertThat(number(still, "price")).isEqualByComparingTo("30.00");
    }

    @Test
    void aThousandItemBatchCostsAHandfulOfPurgeRequests() throws Exception {
        double before = quietPurgeCount();
        StringBuilder body = new StringBuilder("{\"updates\":[");
        for (int i = 1; i <= 1000; i++) {
            body.append(i > 1 ? "," : "").append(String.format("{\"id\":\"sku-%05d\",\"price\":%d.%02d}", i,
                    10 + i % 90, i % 100));
        }
        admin().body(body.append("]}").toString()).post("/admin/prices/batch").then().statusCode(200);
        cachedAtTheEdge(VarnishResource.varnish(), "/products/sku-00500", CACHED_WITHIN);

        double after = quietPurgeCount();
        LOG.infof("1,000 price changes: %.0f PURGE requests", after - before);
        // a few windows' batches, each purged right away and again once every pod has settled: not 1,000
        assertThat(after - before).as("PURGE requests for 1,000 changed products").isBetween(1.0, 20.0);
        assertThat(registry.find(PurgeMetrics.PURGES).tag("outcome", PurgeMetrics.FAILURE).counters().stream()
                .mapToDouble(Counter::count).sum()).isZero();
    }

    /** The number of PURGE requests sent, once it has not changed for longer than the settle time (2 s). */
    private double quietPurgeCount() {
        AtomicReference<Double> last = new AtomicReference<>(-1.0);
        AtomicLong stableSince = new AtomicLong(System.nanoTime());
        return await("PURGE requests to settle").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    double now = registry.find(PurgeMetrics.PURGES).tag("target", "varnish").counters().stream()
                            .mapToDouble(Counter::count).sum();
                    if (now != last.getAndSet(now)) {
                        stableSince.set(System.nanoTime());
                    }
                    return now;
                }, now -> System.nanoTime() - stableSince.get() > Duration.ofSeconds(3).toNanos());
    }
}
