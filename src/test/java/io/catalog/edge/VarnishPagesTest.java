package io.catalog.edge;

import static io.catalog.testing.TestCatalog.EDGE_CACHE;
import static io.catalog.testing.TestCatalog.cachedAtTheEdge;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.suffix;
import static io.catalog.testing.TestCatalog.uniqueId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.catalog.testing.AdminTokens;
import io.catalog.testing.SseClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The browser pages behind a real Varnish running the shipped VCL: a product or category page is cached at the edge
 * with its JSON's headers and purged with it when the price changes; another category's page stays cached.
 */
@Tag("slow")
@QuarkusTest
@QuarkusTestResource(value = VarnishResource.class, restrictToAnnotatedClass = true)
class VarnishPagesTest {

    /** How long the edge may take to hold a copy to answer from. */
    private static final Duration CACHED_WITHIN = Duration.ofSeconds(10);
    private static final Duration PURGED_WITHIN = Duration.ofSeconds(10);

    private static String token() {
        return AdminTokens.admin();
    }

    private static Response viaEdge(String path) {
        return given().port(VarnishResource.varnish().port()).get(path);
    }

    @Test
    void pagesAreCachedWithTheirJsonsHeadersAndPurgedWithIt() throws Exception {
        String suffix = suffix();
        String category = "page-" + suffix;
        String other = "page-other-" + suffix;
        String id = "page-a-" + suffix;
        create(id, category, "10.00");
        create("page-b-" + suffix, other, "30.00");
        String productPage = "/ui/products/" + id;
        String categoryPage = "/ui/categories/" + category;
        String otherPage = "/ui/categories/" + other;

        Response page = cachedAtTheEdge(VarnishResource.varnish(), productPage, CACHED_WITHIN);
        Response json = viaEdge("/products/" + id);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.asString()).contains("10.00");
        for (String header : new String[] { "Cache-Control", "Surrogate-Key", "Cache-Tag", "X-Cache-Version" }) {
            assertThat(page.header(header)).as(header).isNotBlank().isEqualTo(json.header(header));
        }
        assertThat(page.header("ETag")).isNotBlank();
        assertThat(cachedAtTheEdge(VarnishResource.varnish(), categoryPage, CACHED_WITHIN).asString()).contains("10.00");
        assertThat(cachedAtTheEdge(VarnishResource.varnish(), otherPage, CACHED_WITHIN).asString()).contains("30.00");
        // the creations' own purges are sent again once every pod has settled (EdgePurger): wait until the other
        // page stays cached, so that what follows sees only the price change's purges
        await().atMost(Duration.ofSeconds(20)).during(Duration.ofSeconds(3))
                .until(() -> "HIT".equals(viaEdge(otherPage).header(EDGE_CACHE)));

        given().auth().oauth2(token()).contentType("application/json").body("{\"price\":15.00}")
                .patch("/admin/products/{id}/price", id).then().statusCode(200);

        await().atMost(PURGED_WITHIN).untilAsserted(() -> assertThat(viaEdge(productPage).asString())
                .as("product page at the edge").contains("15.00").doesNotContain(">10.00<"));
        await().atMost(PURGED_WITHIN).untilAsserted(() -> assertThat(viaEdge(categoryPage).asString())
                .as("category page at the edge").contains("15.00").doesNotContain(">10.00<"));
        Response still = viaEdge(otherPage);
        assertThat(still.header(EDGE_CACHE)).as("another category's page stays cached").isEqualTo("HIT");
    }

    @Test
    void liveChangesStreamThroughTheEdge() throws Exception {
        String id = uniqueId("page-live");
        create(id, "page-live", "1.00");
        URI uri = URI.create(VarnishResource.varnish().url() + "/events/products?ids=" + id);
        try (SseClient stream = SseClient.open(uri, Map.of())) {
            assertThat(stream.status()).isEqualTo(200);
            given().auth().oauth2(token()).contentType("application/json").body("{\"price\":2.00}")
                    .patch("/admin/products/{id}/price", id).then().statusCode(200);
            assertThat(stream.await(e -> "product".equals(e.name()), PURGED_WITHIN).data()).contains(id);
        }
    }
}
