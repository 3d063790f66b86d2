package io.catalog.edge;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.catalog.testing.LocalStackResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The service behind a real Varnish running the shipped VCL with xkey: a price change is purged from the edge
 * within a second, precisely (other categories stay cached), and a bulk update costs a handful of purge requests.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VarnishResource.class, restrictToAnnotatedClass = true)
class VarnishEdgeTest {

    private static final Logger LOG = Logger.getLogger(VarnishEdgeTest.class);
    private static final JsonPathConfig EXACT = new JsonPathConfig(JsonPathConfig.NumberReturnType.BIG_DECIMAL);
    private static final String EDGE_CACHE = "X-Varnish-Cache";

    @Inject
    MeterRegistry registry;

    private static String adminToken() throws Exception {
        return Jwt.issuer("https://catalog.example.com/dev").audience("catalog-service").subject("edge-test")
                .groups(Set.of("catalog-admin"))
                .sign(KeyUtils.decodePrivateKey(Files.readString(Path.of("dev/jwt/privateKey.pem"))));
    }

    private static RequestSpecification admin() throws Exception {
        return given().auth().oauth2(adminToken()).contentType("application/json");
    }

    private static Response viaEdge(String path) {
        return given().port(VarnishResource.varnish().port()).get(path);
    }

    private static BigDecimal number(Response response, String field) {
        return new BigDecimal(response.jsonPath(EXACT).get(field).toString());
    }

    private static void put(String id, String category, String price) throws Exception {
        admin().body("{\"name\":\"Edge " + id + "\",\"category\":\"" + category + "\",\"price\":" + price + "}")
                .put("/admin/products/{id}", id).then().statusCode(201);
    }

    /** Reads {@code path} through Varnish until it is a HIT, and returns that HIT. */
    private static Response cachedAtTheEdge(String path) {
        Response response = viaEdge(path);
        for (int i = 0; i < 5 && !"HIT".equals(response.header(EDGE_CACHE)); i++) {
            response = viaEdge(path);
        }
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.header(EDGE_CACHE)).as("%s cached at the edge", path).isEqualTo("HIT");
        return response;
    }

    /** Polls {@code path} through Varnish until {@code fresh}; answers how long it took. */
    private static Duration refreshedAtTheEdge(String path, Predicate<Response> fresh, long since) throws Exception {
        while (true) {
            Response response = viaEdge(path);
            Duration took = Duration.ofNanos(System.nanoTime() - since);
            if (response.statusCode() == 200 && fresh.test(response)) {
                return took;
            }
            assertThat(took).as("%s still stale at the edge", path).isLessThan(Duration.ofSeconds(5));
            Thread.sleep(10);
        }
    }

    @Test
    void aPriceChangeIsPurgedFromTheEdgeWithinASecondAndOtherCategoriesStayCached() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String category = "edge-" + suffix;
        String other = "edge-other-" + suffix;
        put("edge-a-" + suffix, category, "10.00");
        put("edge-b-" + suffix, category, "20.00");
        put("edge-c-" + suffix, other, "30.00");
        String product = "/products/edge-a-" + suffix;
        String summary = "/categories/" + category + "/summary";
        String untouched = "/products/edge-c-" + suffix;

        assertThat(number(cachedAtTheEdge(product), "price")).isEqualByComparingTo("10.00");
        assertThat(number(cachedAtTheEdge(summary), "minPrice")).isEqualByComparingTo("10.00");
        assertThat(number(cachedAtTheEdge(untouched), "price")).isEqualByComparingTo("30.00");

        admin().body("{\"price\":15.00}").patch("/admin/products/{id}/price", "edge-a-" + suffix).then()
                .statusCode(200);
        long changed = System.nanoTime();

        Duration productFresh = refreshedAtTheEdge(product,
                r -> number(r, "price").compareTo(new BigDecimal("15.00")) == 0, changed);
        Duration summaryFresh = refreshedAtTheEdge(summary,
                r -> number(r, "minPrice").compareTo(new BigDecimal("15.00")) == 0, changed);
        LOG.infof("Refreshed at the edge after the PATCH: product in %d ms, summary in %d ms",
                productFresh.toMillis(), summaryFresh.toMillis());
        assertThat(productFresh).as("product refreshed at the edge").isLessThan(Duration.ofSeconds(1));
        assertThat(summaryFresh).as("summary refreshed at the edge").isLessThan(Duration.ofSeconds(1));

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
        cachedAtTheEdge("/products/sku-00500");

        double after = quietPurgeCount();
        LOG.infof("1,000 price changes: %.0f PURGE requests", after - before);
        // a few windows' batches, each purged right away and again once every pod has settled: not 1,000
        assertThat(after - before).as("PURGE requests for 1,000 changed products").isBetween(1.0, 20.0);
        assertThat(registry.find(PurgeMetrics.PURGES).tag("outcome", PurgeMetrics.FAILURE).counters().stream()
                .mapToDouble(Counter::count).sum()).isZero();
    }

    /** The number of PURGE requests sent, once it has not changed for longer than the settle time (2 s). */
    private double quietPurgeCount() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        double last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            double now = registry.find(PurgeMetrics.PURGES).tag("target", "varnish").counters().stream()
                    .mapToDouble(Counter::count).sum();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > Duration.ofSeconds(3).toNanos()) {
                return now;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("purges never settled");
    }
}
