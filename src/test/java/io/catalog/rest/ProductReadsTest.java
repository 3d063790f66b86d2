package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.assertProblem;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.testing.TestCatalog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** API.md section 3: GET /products/{id}, its edge headers and conditional requests. */
@QuarkusTest
class ProductReadsTest {

    @Test
    void productIsServedWithItsFieldsAndExactPrice() {
        String category = uniqueCategory("reads");
        String id = uniqueId("p");
        create(id, category, "12.3");

        Response response = anyone().get("/products/{id}", id);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        String body = response.asString();
        // exact decimal, two fraction digits, as a JSON number (not a string, not 12.3, not 12.300000001)
        assertThat(body).containsPattern("\"price\"\\s*:\\s*12\\.30\\s*[,}]");

        JsonNode product = json(body);
        assertThat(product.path("id").asText()).isEqualTo(id);
        assertThat(product.path("name").asText()).isEqualTo("Product " + id);
        assertThat(product.path("category").asText()).isEqualTo(category);
        assertThat(product.path("price").isNumber()).isTrue();
        assertThat(product.path("price").decimalValue()).isEqualByComparingTo("12.30");
        assertThat(product.path("currency").asText()).isEqualTo("USD");
        assertThat(product.path("version").isIntegralNumber()).isTrue();
        assertThat(product.path("version").asLong()).isEqualTo(1);
        assertThat(product.path("updatedAt").isTextual()).isTrue();
        String updatedAt = product.path("updatedAt").asText();
        assertThat(updatedAt).endsWith("Z");
        assertThat(Instant.parse(updatedAt)).isBefore(Instant.now().plusSeconds(5));
    }

    @Test
    void productCarriesEdgeHeaders() {
        String category = uniqueCategory("edge");
        String id = uniqueId("p");
        create(id, category, "5.00");

        Response response = anyone().get("/products/{id}", id);
        assertThat(response.statusCode()).isEqualTo(200);

        String etag = response.header("ETag");
        assertThat(etag).as("strong ETag").isNotNull().startsWith("\"").endsWith("\"").doesNotStartWith("W/");

        String cacheControl = response.header("Cache-Control");
        assertThat(cacheControl).isNotNull();
        assertThat(cacheControl.replace(" ", "").split(",")).contains("public", "max-age=30");

        String version = response.header("X-Cache-Version");
        assertThat(version).isNotNull();
        assertThat(Long.parseLong(version)).isPositive();

        assertThat(response.header("X-Cache")).as("the first read of a new product on the pod that created it: its"
                + " creation put it into L1 (update in place)").isEqualTo("L1");

        String surrogate = response.header("Surrogate-Key");
        assertThat(surrogate).isNotNull();
        assertThat(surrogate.split(" ")).contains("product-" + id, "category-" + category);
        assertThat(response.header("Cache-Tag")).isEqualTo(surrogate.replace(' ', ','));
    }

    @Test
    void secondReadIsAnsweredFromL1() {
        String id = uniqueId("p");
        create(id, uniqueCategory("l1"), "7.77");
        // the creation's own event drops the product from L1 when it arrives through the feed; let it pass first
        TestCatalog.awaitEvents(id, 1);

        Response[] pair = TestCatalog.await(() -> {
            Response first = anyone().get("/products/{id}", id);
            Response second = anyone().get("/products/{id}", id);
            return "L1".equals(second.header("X-Cache")) ? new Response[] { first, second } : null;
        }, "a repeated GET of " + id + " answered from L1");
        Response first = pair[0];
        Response second = pair[1];
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.header("X-Cache")).isEqualTo("L1");
        assertThat(second.header("ETag")).isEqualTo(first.header("ETag"));
        assertThat(second.header("X-Cache-Version")).isEqualTo(first.header("X-Cache-Version"));
        assertThat(second.header("Cache-Control")).isEqualTo(first.header("Cache-Control"));
        assertThat(second.header("Surrogate-Key")).isEqualTo(first.header("Surrogate-Key"));
        assertThat(second.asString()).isEqualTo(first.asString());
    }

    @Test
    void ifNoneMatchWithCurrentETagAnswers304WithoutBody() {
        String id = uniqueId("p");
        create(id, uniqueCategory("cond"), "3.10");
        Response first = anyone().get("/products/{id}", id);
        String etag = first.header("ETag");

        Response notModified = anyone().header("If-None-Match", etag).get("/products/{id}", id);
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.header("ETag")).isEqualTo(etag);
        assertThat(notModified.header("Cache-Control")).contains("public").contains("max-age=30");
        assertThat(notModified.asString()).isEmpty();

        // a list containing the current tag matches too; another tag does not
        Response listed = anyone().header("If-None-Match", "\"nope\", " + etag).get("/products/{id}", id);
        assertThat(listed.statusCode()).isEqualTo(304);
        Response other = anyone().header("If-None-Match", "\"nope\"").get("/products/{id}", id);
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.header("ETag")).isEqualTo(etag);
    }

    @Test
    void etagChangesWhenTheRepresentationChanges() {
        String id = uniqueId("p");
        create(id, uniqueCategory("etag"), "3.10");
        Response before = anyone().get("/products/{id}", id);
        String etag = before.header("ETag");
        long version = Long.parseLong(before.header("X-Cache-Version"));

        Response patched = TestCatalog.patchPrice(id, "3.20");
        assertThat(patched.statusCode()).isEqualTo(200);

        Response after = anyone().header("If-None-Match", etag).get("/products/{id}", id);
        assertThat(after.statusCode())
                .as("GET right after an acknowledged PATCH (write ETag %s, X-Cache-Version %s) with the old ETag %s"
                        + " (X-Cache-Version %s) must answer the new representation; got X-Cache %s, X-Cache-Version"
                        + " %s, ETag %s", patched.header("ETag"), patched.header("X-Cache-Version"), etag, version,
                        after.header("X-Cache"), after.header("X-Cache-Version"), after.header("ETag"))
                .isEqualTo(200);
        assertThat(after.header("ETag")).isNotEqualTo(etag);
        assertThat(Long.parseLong(after.header("X-Cache-Version"))).isGreaterThan(version);
        assertThat(json(after.asString()).path("price").decimalValue()).isEqualByComparingTo("3.20");
    }

    @Test
    void everyAcknowledgedPriceChangeIsReadBackAtOnce() {
        String id = uniqueId("ryw");
        create(id, uniqueCategory("ryw"), "1.00");
        java.util.List<String> wrong = new java.util.ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            Response before = anyone().get("/products/{id}", id); // keep L1 warm
            String price = (i + 1) + ".00";
            Response patched = TestCatalog.patchPrice(id, price);
            assertThat(patched.statusCode()).isEqualTo(200);
            Response after = anyone().header("If-None-Match", before.header("ETag")).get("/products/{id}", id);
            if (after.statusCode() != 200
                    || json(after.asString()).path("price").decimalValue().compareTo(TestCatalog.decimal(price)) != 0) {
                wrong.add("write " + i + " (price " + price + ", X-Cache-Version " + patched.header("X-Cache-Version")
                        + ") read back as " + after.statusCode() + " X-Cache " + after.header("X-Cache")
                        + " X-Cache-Version " + after.header("X-Cache-Version") + " body " + after.asString());
            }
        }
        assertThat(wrong).as("reads right after an acknowledged write that missed it").isEmpty();
    }

    @Test
    void unknownProductIs404Problem() {
        Response response = anyone().get("/products/{id}", uniqueId("missing"));
        assertProblem(response, 404);
    }

    @Test
    void badIdIs400Problem() {
        assertProblem(anyone().get("/products/{id}", "bad!id"), 400);
        assertProblem(anyone().get("/products/{id}", "x".repeat(65)), 400);
        assertProblem(anyone().get("/products/{id}", "has space"), 400);
    }

    @Test
    void sixtyFourCharacterIdIsAccepted() {
        String id = ("p" + TestCatalog.suffix()).repeat(8).substring(0, 64);
        create(id, uniqueCategory("long"), "1.00");
        assertThat(anyone().get("/products/{id}", id).statusCode()).isEqualTo(200);
    }
}
