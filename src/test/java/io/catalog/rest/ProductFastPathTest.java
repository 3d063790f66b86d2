package io.catalog.rest;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.appliedEvents;
import static io.catalog.testing.TestCatalog.awaitApplied;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.catalog.cache.CacheCoherence;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.Header;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The L1 fast path ({@link ProductFastPath}) answers exactly what the JAX-RS resource answers: the same product,
 * once through the fast path and once through {@link ProductResource}, compared status, header by header and byte by
 * byte. The JAX-RS answer is forced either with a query the resource ignores (then both are L1 hits) or by dropping
 * L1 (then the resource answers from L2, and only {@code X-Cache} may differ).
 */
@QuarkusTest
class ProductFastPathTest {

    @Inject
    ProductFastPath fastPath;

    @Inject
    CacheCoherence coherence;

    @Inject
    MeterRegistry registry;

    @Test
    void anL1HitIsAnsweredByTheFastPathWithTheResourcesExactAnswer() {
        String id = uniqueId("fast");
        double applied = appliedEvents();
        create(id, uniqueCategory("fast"), "12.30");
        awaitApplied(applied, 1); // this pod's own feed applied the event too (it puts the version into L1 again)
        coherence.l1().flush(); // the write put its new version into this pod's L1 (update in place)
        assertThat(anyone().get("/products/{id}", id).header("X-Cache")).as("first read").isNotEqualTo("L1");

        Pair pair = compare(spec -> spec, id);
        assertThat(pair.fast().statusCode()).isEqualTo(200);
        assertThat(pair.fast().header("X-Cache")).isEqualTo("L1");
        assertThat(pair.fast().header("Content-Type")).startsWith("application/json");
    }

    @Test
    void corsAnswersAreTheCorsFiltersAndPlainAnswersHaveNone() {
        String id = uniqueId("fast");
        create(id, uniqueCategory("fast"), "3.00");
        anyone().get("/products/{id}", id);

        long before = fastPath.answered();
        Response cors = anyone().header("Origin", "https://shop.example").get("/products/{id}", id);
        assertThat(fastPath.answered()).as("a request with an Origin goes to the CORS filter").isEqualTo(before);
        assertThat(cors.header("X-Cache")).as("an L1 hit all the same").isEqualTo("L1");
        assertThat(cors.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(cors.header("Access-Control-Expose-Headers")).contains("ETag", "X-Cache-Version");
        Pair plain = compare(spec -> spec, id);
        assertThat(plain.fast().header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void aMatchingIfNoneMatchIs304OnBothPaths() {
        String id = uniqueId("fast");
        create(id, uniqueCategory("fast"), "4.00");
        String etag = anyone().get("/products/{id}", id).header("ETag");

        Pair pair = compare(spec -> spec.header("If-None-Match", etag), id);
        assertThat(pair.fast().statusCode()).isEqualTo(304);
        assertThat(pair.fast().asString()).isEmpty();

        Pair other = compare(spec -> spec.header("If-None-Match", "\"other\""), id);
        assertThat(other.fast().statusCode()).isEqualTo(200);
    }

    @Test
    void anAbsentProductIsTheSame404Problem() {
        String id = uniqueId("gone");
        create(id, uniqueCategory("fast"), "5.00");
        assertThat(admin().delete("/admin/products/{id}", id).statusCode()).isIn(200, 204);
        anyone().get("/products/{id}", id);

        Pair pair = compare(spec -> spec, id);
        assertThat(pair.fast().statusCode()).isEqualTo(404);
        assertThat(pair.fast().contentType()).isEqualTo(Problem.MEDIA_TYPE);

        String never = uniqueId("never");
        anyone().get("/products/{id}", never);
        assertThat(compare(spec -> spec, never).fast().statusCode()).isEqualTo(404);
    }

    @Test
    void aForcedMissDiffersOnlyInTheTierThatAnswered() {
        String id = uniqueId("fast");
        double applied = appliedEvents();
        create(id, uniqueCategory("fast"), "6.00");
        awaitApplied(applied, 1); // this pod's own feed applied the event too (it puts the version into L1 again)
        coherence.l1().flush(); // the write put its new version into L1 and a marker into L2: load it into L2
        anyone().get("/products/{id}", id);

        coherence.l1().flush();
        long before = fastPath.answered();
        double hits = count("hit");
        double misses = count("miss");
        Response jaxrs = anyone().get("/products/{id}", id);
        assertThat(fastPath.answered()).as("a miss goes on to the resource").isEqualTo(before);
        assertThat(jaxrs.header("X-Cache")).isEqualTo("L2");
        assertThat(count("miss") - misses).as("the miss is counted once, not again by the resource").isEqualTo(1);

        Response fast = anyone().get("/products/{id}", id);
        assertThat(fastPath.answered()).isEqualTo(before + 1);
        assertThat(fast.header("X-Cache")).isEqualTo("L1");
        assertThat(count("hit") - hits).isEqualTo(1);
        assertSame(fast, jaxrs, "X-Cache");
    }

    @Test
    void httpServerMetricsNameTheRouteNotTheProduct() {
        String id = uniqueId("fast");
        create(id, uniqueCategory("fast"), "7.00");
        anyone().get("/products/{id}", id);
        long before = fastPath.answered();
        anyone().get("/products/{id}", id);
        assertThat(fastPath.answered()).isEqualTo(before + 1);
        // passed on to Quarkus REST, which answers 406 and 304: tagged by the route too
        assertThat(anyone().header("Accept", "text/html").get("/products/{id}", id).statusCode()).isEqualTo(406);
        anyone().header("Origin", "https://shop.example").get("/products/{id}", id);
        assertThat(fastPath.answered()).isEqualTo(before + 1);

        String metrics = anyone().get("/q/metrics").asString();
        assertThat(metrics).contains("uri=\"/products/{id}\"").doesNotContain(id);
        assertThat(metrics).as("L1 is the quarkus-cache cache catalog-l1, with its metrics")
                .containsPattern("cache_gets_total\\{[^}]*cache=\"catalog-l1\"");
    }

    @Test
    void whatTheFastPathCannotAnswerGoesToTheResource() {
        String id = uniqueId("fast");
        create(id, uniqueCategory("fast"), "8.00");
        String version = anyone().get("/products/{id}", id).header("X-Cache-Version");
        long before = fastPath.answered();

        assertThat(anyone().head("/products/{id}", id).statusCode()).isEqualTo(200);
        assertThat(anyone().get("/products/{id}?v={v}", id, version).header("Cache-Control")).contains("immutable");
        assertThat(anyone().header("Accept", "text/html").get("/products/{id}", id).statusCode()).isEqualTo(406);
        // Quarkus REST answers this one 200 (it does not read q=0 as "not acceptable"); the fast path leaves it alone
        anyone().header("Accept", "application/json;q=0, text/plain").get("/products/{id}", id);
        assertThat(anyone().get("/products/{id}", "bad id!").statusCode()).isEqualTo(400);
        assertThat(fastPath.answered()).as("none of these by the fast path").isEqualTo(before);

        anyone().header("Accept", "text/html, */*;q=0.8").get("/products/{id}", id);
        assertThat(fastPath.answered()).isEqualTo(before + 1);
    }

    record Pair(Response fast, Response jaxrs) {
    }

    /**
     * The same L1 hit through the fast path and through the resource (a query it ignores sends it there), with
     * {@code request} applied to both; asserts that both answers are the same.
     */
    private Pair compare(UnaryOperator<RequestSpecification> request, String id) {
        long before = fastPath.answered();
        Response fast = request.apply(anyone()).get("/products/{id}", id);
        assertThat(fastPath.answered()).as("answered by the fast path").isEqualTo(before + 1);
        Response jaxrs = request.apply(anyone()).get("/products/{id}?through=jaxrs", id);
        assertThat(fastPath.answered()).as("answered by the resource").isEqualTo(before + 1);
        assertThat(jaxrs.header("X-Cache")).as("the resource's answer is an L1 hit too").isEqualTo("L1");
        assertSame(fast, jaxrs);
        return new Pair(fast, jaxrs);
    }

    private static void assertSame(Response fast, Response jaxrs, String... ignored) {
        assertThat(fast.statusCode()).isEqualTo(jaxrs.statusCode());
        Map<String, List<String>> expected = headers(jaxrs, ignored);
        Map<String, List<String>> actual = headers(fast, ignored);
        assertThat(actual).as("headers of the fast path's answer").isEqualTo(expected);
        assertThat(fast.asByteArray()).as("body").isEqualTo(jaxrs.asByteArray());
    }

    /** Header name (lower case) to its values in order; without {@code Date} and the ignored ones. */
    private static Map<String, List<String>> headers(Response response, String... ignored) {
        Map<String, List<String>> headers = new TreeMap<>();
        for (Header header : response.headers()) {
            headers.computeIfAbsent(header.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(header.getValue());
        }
        headers.remove("date");
        for (String name : ignored) {
            headers.remove(name.toLowerCase(Locale.ROOT));
        }
        return headers;
    }

    private double count(String result) {
        var counter = registry.find("catalog.cache.requests").tag("tier", "l1").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }
}
