package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** CORS for browser clients, in a form an edge cache can share between sites. */
@QuarkusTest
class CorsTest {

    @Test
    void publicReadsAllowAnyOriginWithTheSameAnswerAndExposeTheCacheHeaders() {
        String id = uniqueId("cors");
        create(id, uniqueCategory("cors"), "3.00");

        Response a = anyone().header("Origin", "https://shop-a.example").get("/products/{id}", id);
        Response b = anyone().header("Origin", "https://shop-b.example").get("/products/{id}", id);

        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(a.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(b.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(a.header("Access-Control-Expose-Headers")).contains("ETag", "X-Cache-Version");
    }

    @Test
    void aPreflightAllowsAdminWritesWithTheirHeaders() {
        Response preflight = anyone().header("Origin", "https://admin.example")
                .header("Access-Control-Request-Method", "PATCH")
                .header("Access-Control-Request-Headers", "authorization,content-type,if-match")
                .options("/admin/products/x/price");

        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("PATCH");
        assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase("If-Match");
    }
}
