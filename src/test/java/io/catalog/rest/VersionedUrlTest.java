package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.assertProblem;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Versioned product URLs ({@code ?v=<X-Cache-Version>}): immutable at the edge, so never purged. */
@QuarkusTest
class VersionedUrlTest {

    @Test
    void theCurrentVersionIsImmutableAndAnOlderOneRedirectsToIt() {
        String id = uniqueId("ver");
        create(id, uniqueCategory("ver"), "5.00");
        String first = anyone().get("/products/{id}", id).header("X-Cache-Version");

        Response current = anyone().get("/products/{id}?v={v}", id, first);
        assertThat(current.statusCode()).isEqualTo(200);
        assertThat(current.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(json(current.asString()).get("price").decimalValue()).isEqualByComparingTo("5.00");

        patchPrice(id, "6.00");
        String second = anyone().get("/products/{id}", id).header("X-Cache-Version");
        assertThat(Long.parseLong(second)).isGreaterThan(Long.parseLong(first));

        Response old = anyone().redirects().follow(false).get("/products/{id}?v={v}", id, first);
        assertThat(old.statusCode()).isEqualTo(302);
        assertThat(old.header("Location")).endsWith("/products/" + id + "?v=" + second);
        assertThat(old.header("Cache-Control")).startsWith("public, max-age=30");
        assertThat(old.header("Surrogate-Key")).contains("product-" + id);
    }

    @Test
    void aMalformedVersionIsABadRequest() {
        String id = uniqueId("ver");
        create(id, uniqueCategory("ver"), "5.00");

        assertProblem(anyone().get("/products/{id}?v=abc", id), 400);
        assertProblem(anyone().get("/products/{id}?v=0", id), 400);
    }
}
