package io.catalog.rest;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.assertProblem;
import static io.catalog.testing.TestCatalog.createUnique;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.testing.TestCatalog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * API.md section 3: GET /products?category=&limit=&cursor= and GET /categories/{c}/summary. One class for the
 * section (longer than 250 lines): the contract is read side by side with it.
 */
@QuarkusTest
class ListingAndSummaryTest {

    private static Response page(String category, Integer limit, String cursor) {
        var request = anyone().queryParam("category", category);
        if (limit != null) {
            request = request.queryParam("limit", limit);
        }
        if (cursor != null) {
            request = request.queryParam("cursor", cursor);
        }
        return request.get("/products");
    }

    private static Set<String> createMany(String category, int count) {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(createUnique(String.format("item%02d", i), category, (i + 1) + ".25"));
        }
        return ids;
    }

    @Test
    void pagesOfACategoryCoverItExactlyOnce() {
        String category = uniqueCategory("paging");
        Set<String> created = createMany(category, 25);

        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        for (int round = 0; round < 10; round++) {
            Response response = page(category, 10, cursor);
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
            JsonNode body = json(response.asString());
            assertThat(body.has("items")).isTrue();
            assertThat(body.has("nextCursor")).as("nextCursor is always present").isTrue();
            sizes.add(body.path("items").size());
            for (JsonNode item : body.path("items")) {
                assertThat(item.path("category").asText()).isEqualTo(category);
                assertThat(item.path("price").isNumber()).isTrue();
                assertThat(item.path("currency").asText()).isEqualTo("USD");
                seen.add(item.path("id").asText());
            }
            JsonNode next = body.path("nextCursor");
            if (next.isNull()) {
                assertThat(response.asString()).containsPattern("\"nextCursor\"\\s*:\\s*null");
                cursor = null;
                break;
            }
            assertThat(next.isTextual()).isTrue();
            cursor = next.asText();
        }
        assertThat(cursor).as("the listing ended with nextCursor null").isNull();
        assertThat(sizes).containsExactly(10, 10, 5);
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen).containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void defaultLimitIsTwenty() {
        String category = uniqueCategory("default");
        createMany(category, 22);
        Response response = page(category, null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response.asString());
        assertThat(body.path("items").size()).isEqualTo(20);
        assertThat(body.path("nextCursor").isTextual()).isTrue();
    }

    @Test
    void listingCarriesEdgeHeadersAndAnswers304() {
        String category = uniqueCategory("listhdr");
        createUnique("a", category, "1.00");
        Response response = page(category, 5, null);
        assertThat(response.statusCode()).isEqualTo(200);
        String etag = response.header("ETag");
        assertThat(etag).isNotNull().startsWith("\"");
        assertThat(response.header("Cache-Control")).contains("public").contains("max-age=30");
        assertThat(Long.parseLong(response.header("X-Cache-Version"))).isPositive();
        assertThat(response.header("X-Cache")).as("the first read of a new category").isEqualTo("MISS");
        assertThat(response.header("Surrogate-Key").split(" ")).contains("category-" + category);

        Response notModified = anyone().header("If-None-Match", etag).queryParam("category", category)
                .queryParam("limit", 5).get("/products");
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.header("ETag")).isEqualTo(etag);
        assertThat(notModified.header("Cache-Control")).contains("max-age=30");
        assertThat(notModified.asString()).isEmpty();
    }

    @Test
    void badLimitsAre400() {
        String category = uniqueCategory("limits");
        createUnique("a", category, "1.00");
        for (String limit : List.of("0", "101", "abc", "-1", "1.5", "1e1", "99999999999")) {
            Response response = anyone().queryParam("category", category).queryParam("limit", limit).get("/products");
            assertThat(response.statusCode()).as("limit=%s", limit).isEqualTo(400);
            assertProblem(response, 400);
        }
        assertThat(page(category, 1, null).statusCode()).isEqualTo(200);
        assertThat(page(category, 100, null).statusCode()).isEqualTo(200);
    }

    @Test
    void cursorsTheServiceDidNotIssueAre400() {
        String category = uniqueCategory("forged");
        createMany(category, 3);
        Response first = page(category, 1, null);
        String cursor = json(first.asString()).path("nextCursor").asText();
        assertThat(cursor).isNotEmpty();
        // the genuine cursor works
        assertThat(page(category, 1, cursor).statusCode()).isEqualTo(200);

        for (String forged : List.of("garbage", "abc.def", "Zm9v.0000000000000000", cursor + "x",
                "x" + cursor, cursor.substring(0, cursor.length() - 1), ".", "%%%")) {
            assertProblem(page(category, 1, forged), 400);
        }
    }

    @Test
    void cursorOfAnotherCategoryIs400() {
        String a = uniqueCategory("cura");
        String b = uniqueCategory("curb");
        createMany(a, 3);
        createMany(b, 3);
        String cursorOfA = json(page(a, 1, null).asString()).path("nextCursor").asText();
        assertThat(cursorOfA).isNotEmpty();
        assertProblem(page(b, 1, cursorOfA), 400);
    }

    @Test
    void badCategoryIs400() {
        assertProblem(anyone().queryParam("category", "Upper").get("/products"), 400);
        assertProblem(anyone().get("/categories/{c}/summary", "Not_Valid"), 400);
    }

    // ---- summary ---------------------------------------------------------------------------------------------

    private static JsonNode summary(String category) {
        Response response = anyone().get("/categories/{c}/summary", category);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return json(response.asString());
    }

    @Test
    void summaryHasCountMinMaxAvgAndCurrency() {
        String category = uniqueCategory("sum");
        createUnique("a", category, "0.01");
        createUnique("b", category, "0.02");
        createUnique("c", category, "0.02");

        Response response = anyone().get("/categories/{c}/summary", category);
        assertThat(response.statusCode()).isEqualTo(200);
        String body = response.asString();
        JsonNode summary = json(body);
        assertThat(summary.path("category").asText()).isEqualTo(category);
        assertThat(summary.path("productCount").asLong()).isEqualTo(3);
        assertThat(summary.path("minPrice").decimalValue()).isEqualByComparingTo("0.01");
        assertThat(summary.path("maxPrice").decimalValue()).isEqualByComparingTo("0.02");
        // 0.05 / 3 = 0.01666... -> 0.02
        assertThat(summary.path("avgPrice").decimalValue()).isEqualByComparingTo("0.02");
        assertThat(body).containsPattern("\"avgPrice\"\\s*:\\s*0\\.02\\s*[,}]");
        assertThat(summary.path("currency").asText()).isEqualTo("USD");

        assertThat(response.header("ETag")).isNotNull();
        assertThat(response.header("Cache-Control")).contains("public").contains("max-age=30");
        assertThat(Long.parseLong(response.header("X-Cache-Version"))).isPositive();
        assertThat(response.header("X-Cache")).as("the first read of a new category").isEqualTo("MISS");
        assertThat(response.header("Surrogate-Key").split(" ")).contains("category-" + category);
    }

    @Test
    void averageIsRoundedHalfEven() {
        String down = uniqueCategory("even");
        createUnique("a", down, "1.00");
        createUnique("b", down, "1.01");
        // 2.01 / 2 = 1.005 -> 1.00 (half-even; half-up would give 1.01)
        assertThat(summary(down).path("avgPrice").decimalValue()).isEqualByComparingTo("1.00");

        String odd = uniqueCategory("odd");
        createUnique("a", odd, "2.02");
        createUnique("b", odd, "2.03");
        // 4.05 / 2 = 2.025 -> 2.02 (half-even; half-up would give 2.03)
        assertThat(summary(odd).path("avgPrice").decimalValue()).isEqualByComparingTo("2.02");

        String up = uniqueCategory("up");
        createUnique("a", up, "1.01");
        createUnique("b", up, "1.02");
        // 2.03 / 2 = 1.015 -> 1.02 (half-even rounds to the even neighbour)
        assertThat(summary(up).path("avgPrice").decimalValue()).isEqualByComparingTo("1.02");
    }

    @Test
    void emptyCategoryIs404Problem() {
        assertProblem(anyone().get("/categories/{c}/summary", uniqueCategory("empty")), 404);
    }

    @Test
    void summaryOfACategoryWhoseProductsWereDeletedIs404() {
        String category = uniqueCategory("gone");
        String id = createUnique("a", category, "4.00");
        assertThat(summary(category).path("productCount").asLong()).isEqualTo(1);
        assertThat(admin().delete("/admin/products/{id}", id).statusCode()).isEqualTo(204);
        assertProblem(anyone().get("/categories/{c}/summary", category), 404);
    }

    @Test
    void priceChangeRaisesXCacheVersionAndUpdatesTheSummary() {
        String category = uniqueCategory("sumchg");
        String a = createUnique("a", category, "10.00");
        createUnique("b", category, "20.00");

        Response before = anyone().get("/categories/{c}/summary", category);
        assertThat(before.statusCode()).isEqualTo(200);
        long versionBefore = Long.parseLong(before.header("X-Cache-Version"));
        assertThat(json(before.asString()).path("avgPrice").decimalValue()).isEqualByComparingTo("15.00");
        // read it twice so that a cache holds it
        assertThat(anyone().get("/categories/{c}/summary", category).statusCode()).isEqualTo(200);
        Response listBefore = page(category, 10, null);
        long listVersionBefore = Long.parseLong(listBefore.header("X-Cache-Version"));

        assertThat(patchPrice(a, "30.00").statusCode()).isEqualTo(200);

        Response after = anyone().get("/categories/{c}/summary", category);
        assertThat(after.statusCode()).isEqualTo(200);
        JsonNode summary = json(after.asString());
        assertThat(Long.parseLong(after.header("X-Cache-Version"))).isGreaterThan(versionBefore);
        assertThat(after.header("ETag")).isNotEqualTo(before.header("ETag"));
        assertThat(summary.path("minPrice").decimalValue()).isEqualByComparingTo("20.00");
        assertThat(summary.path("maxPrice").decimalValue()).isEqualByComparingTo("30.00");
        assertThat(summary.path("avgPrice").decimalValue()).isEqualByComparingTo("25.00");

        Response listAfter = page(category, 10, null);
        assertThat(Long.parseLong(listAfter.header("X-Cache-Version"))).isGreaterThan(listVersionBefore);
        JsonNode items = json(listAfter.asString()).path("items");
        boolean found = false;
        for (JsonNode item : items) {
            if (item.path("id").asText().equals(a)) {
                assertThat(item.path("price").decimalValue()).isEqualByComparingTo("30.00");
                found = true;
            }
        }
        assertThat(found).isTrue();
    }

    @Test
    void productIsListedUnderItsNewCategoryAfterAMove() {
        String from = uniqueCategory("from");
        String to = uniqueCategory("to");
        String id = createUnique("mv", from, "9.99");
        createUnique("stay", from, "1.00");
        Response moved = admin().contentType("application/json")
                .body(TestCatalog.productBody("Moved", to, "9.99")).put("/admin/products/{id}", id);
        assertThat(moved.statusCode()).isEqualTo(200);
        assertThat(summary(from).path("productCount").asLong()).isEqualTo(1);
        assertThat(summary(to).path("productCount").asLong()).isEqualTo(1);
        assertThat(json(page(to, 10, null).asString()).path("items").get(0).path("id").asText()).isEqualTo(id);
    }
}
