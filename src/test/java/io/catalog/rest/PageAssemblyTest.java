package io.catalog.rest;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.createUnique;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.productBody;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * List pages assembled from product entries: a price change shows on the page without any load (no list query, no
 * product read: the page's ids are still cached and the writer's pod holds the product's new version), and the
 * page's version rises with it; a move, a delete and a creation change the listings' ids.
 */
@QuarkusTest
class PageAssemblyTest {

    @Inject
    MeterRegistry registry;

    private double loads() {
        return registry.get("catalog.store.loads").counter().count();
    }

    private static Response page(String category) {
        return anyone().queryParam("category", category).queryParam("limit", 20).get("/products");
    }

    /** The page's prices by id, in order. */
    private static Map<String, BigDecimal> prices(Response page) {
        assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
        Map<String, BigDecimal> prices = new LinkedHashMap<>();
        for (JsonNode item : json(page.asString()).path("items")) {
            prices.put(item.path("id").asText(), item.path("price").decimalValue().setScale(2));
        }
        return prices;
    }

    private static long version(Response response) {
        return Long.parseLong(response.header("X-Cache-Version"));
    }

    /** Reads the page until it comes whole from L1 (its ids are cached once the index has settled). */
    private static Response warm(String category) {
        return Awaitility.await("page of " + category + " from L1").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100)).until(() -> page(category), r -> "L1".equals(r.header("X-Cache")));
    }

    @Test
    void aPriceChangeShowsOnThePageWithoutAnyLoad() {
        String category = uniqueCategory("assembly");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(createUnique("asm" + i, category, (i + 1) + ".00"));
        }
        Response before = warm(category);
        assertThat(prices(before).keySet()).containsExactlyElementsOf(ids.stream().sorted().toList());

        double loadsBefore = loads();
        Response patched = patchPrice(ids.get(2), "42.50");
        assertThat(patched.statusCode()).isEqualTo(200);
        Response after = page(category);

        assertThat(prices(after)).containsEntry(ids.get(2), new BigDecimal("42.50"));
        assertThat(after.header("X-Cache")).isEqualTo("L1");
        assertThat(loads()).as("store loads (list queries and product reads)").isEqualTo(loadsBefore);
        assertThat(version(after)).isGreaterThan(version(before))
                .isEqualTo(Long.parseLong(anyone().get("/products/{id}", ids.get(2)).header("X-Cache-Version")));
        assertThat(after.header("ETag")).isNotEqualTo(before.header("ETag"));
        assertThat(json(after.asString()).path("items").get(ids.stream().sorted().toList().indexOf(ids.get(2))))
                .isEqualTo(json(anyone().get("/products/{id}", ids.get(2)).asString()));
    }

    @Test
    void aProductThatMovesLeavesOneListingAndJoinsTheOther() {
        String from = uniqueCategory("from");
        String to = uniqueCategory("to");
        String moving = createUnique("mover", from, "3.00");
        String staying = createUnique("stayer", from, "4.00");
        String there = createUnique("there", to, "5.00");
        warm(from);
        long toBefore = version(warm(to));

        Response moved = admin().contentType("application/json").body(productBody("Mover", to, "3.50"))
                .put("/admin/products/{id}", moving);
        assertThat(moved.statusCode()).isEqualTo(200);

        assertThat(prices(page(from))).containsOnlyKeys(staying);
        Response toAfter = page(to);
        assertThat(prices(toAfter)).containsOnlyKeys(moving, there).containsEntry(moving, new BigDecimal("3.50"));
        assertThat(version(toAfter)).isGreaterThan(toBefore);
    }

    @Test
    void aDeleteLeavesTheListingAndACreationJoinsIt() {
        String category = uniqueCategory("churn");
        String doomed = createUnique("doomed", category, "1.00");
        String kept = createUnique("kept", category, "2.00");
        long before = version(warm(category));

        assertThat(admin().delete("/admin/products/{id}", doomed).statusCode()).isEqualTo(204);
        Response afterDelete = page(category);
        assertThat(prices(afterDelete)).containsOnlyKeys(kept);
        assertThat(version(afterDelete)).isGreaterThan(before);

        String born = uniqueId("born");
        create(born, category, "3.00");
        Response afterCreate = page(category);
        assertThat(prices(afterCreate)).containsOnlyKeys(kept, born);
        assertThat(version(afterCreate)).isGreaterThan(version(afterDelete));
    }
}
