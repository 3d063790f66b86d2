package io.catalog.edge;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.catalog.testing.AdminTokens;
import io.catalog.testing.LocalStackResource;
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
@QuarkusTestResource(value = LocalStackResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VarnishResource.class, restrictToAnnotatedClass = true)
class VarnishPagesTest {

    private static final String EDGE_CACHE = "X-Varnish-Cache";
    private static final Duration PURGED_WITHIN = Duration.ofSeconds(10);

    private static String token() {
        return AdminTokens.admin();
    }

    private static Response viaEdge(String path) {
        return given().port(VarnishResource.varnish().port()).get(path);
    }

    private static void put(String id, String category, String price) throws Exception {
        given().auth().oauth2(token()).contentType("application/json")
                .body("{\"name\":\"Page " + id + "\",\"category\":\"" + category + "\",\"price\":" + price + "}")
                .put("/admin/products/{id}", id).then().statusCode(201);
    }

    /** Reads {@code path} through Varnish until it is a HIT, and returns that HIT. */
    private static Response cachedAtTheEdge(String path) {
        Response[] hit = new Response[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            hit[0] = viaEdge(path);
            return hit[0].statusCode() == 200 && "HIT".equals(hit[0].header(EDGE_CACHE));
        });
        return hit[0];
    }

    @Test
    void pagesAreCachedWithTheirJsonsHeadersAndPurgedWithIt() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String category = "page-" + suffix;
        String other = "page-other-" + suffix;
        String id = "page-a-" + suffix;
        put(id, category, "10.00");
        put("page-b-" + suffix, other, "30.00");
        String productPage = "/ui/products/" + id;
        String categoryPage = "/ui/categories/" + category;
        String otherPage = "/ui/categories/" + other;

        Response page = cachedAtTheEdge(productPage);
        Response json = viaEdge("/products/" + id);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.asString()).contains("10.00");
        for (String header : new String[] { "Cache-Control", "Surrogate-Key", "Cache-Tag", "X-Cache-Version" }) {
            assertThat(page.header(header)).as(header).isNotBlank().isEqualTo(json.header(header));
        }
        assertThat(page.header("ETag")).isNotBlank();
        assertThat(cachedAtTheEdge(categoryPage).asString()).contains("10.00");
        assertThat(cachedAtTheEdge(otherPage).asString()).contains("30.00");
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
        String id = "page-live-" + UUID.randomUUID().toString().substring(0, 8);
        put(id, "page-live", "1.00");
        URI uri = URI.create(VarnishResource.varnish().url() + "/events/products?ids=" + id);
        try (SseClient stream = SseClient.open(uri, Map.of())) {
            assertThat(stream.status()).isEqualTo(200);
            given().auth().oauth2(token()).contentType("application/json").body("{\"price\":2.00}")
                    .patch("/admin/products/{id}/price", id).then().statusCode(200);
            assertThat(stream.await(e -> "product".equals(e.name()), PURGED_WITHIN).data()).contains(id);
        }
    }
}
