package io.catalog.rest;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.assertProblem;
import static io.catalog.testing.TestCatalog.awaitFeedReached;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.cache.CacheCoherence;
import io.catalog.model.Keys;
import io.catalog.testing.AdminTokens;
import io.catalog.testing.TestCatalog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** API.md section 4, cache inspection: GET /admin/cache/products/{id}, its refresh, and the hot keys. */
@QuarkusTest
class CacheAdminTest {

    @Inject
    CacheCoherence coherence;

    @Test
    void everyEndpointWantsAnAdminToken() {
        String id = uniqueId("guarded");
        create(id, uniqueCategory("guarded"), "3.00");
        for (String path : new String[] { "/admin/cache/products/" + id, "/admin/cache/hot" }) {
            assertProblem(anyone().get(path), 401);
            assertProblem(anyone().auth().oauth2(AdminTokens.withoutAdminGroup()).get(path), 403);
        }
        String refresh = "/admin/cache/products/" + id + "/refresh";
        assertProblem(anyone().post(refresh), 401);
        assertProblem(anyone().auth().oauth2(AdminTokens.withoutAdminGroup()).post(refresh), 403);
    }

    @Test
    void inspectionShowsEveryTiersVersionAfterAWrite() {
        String category = uniqueCategory("inspect");
        String id = uniqueId("inspect");
        create(id, category, "10.00");
        patchPrice(id, "11.00");
        coherence.l1().flush(); // the write left its version in this pod's L1 and a marker in L2: load L2
        long sequence = Long.parseLong(anyone().get("/products/{id}", id).header("X-Cache-Version"));
        anyone().get("/products/{id}", id); // now in L1 too

        Response response = admin().get("/admin/cache/products/{id}", id);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        JsonNode state = json(response.asString());
        assertThat(state.path("id").asText()).isEqualTo(id);
        assertThat(state.path("store").path("version").asLong()).isEqualTo(2);
        assertThat(state.path("store").path("sequence").asLong()).isEqualTo(sequence);
        assertThat(state.path("l2").path("sequence").asLong()).isEqualTo(sequence);
        assertThat(state.path("l2").path("version").asLong()).as("the product's counter in L2").isEqualTo(2);
        assertThat(state.path("l2").path("kind").asText()).isEqualTo("document");
        assertThat(state.path("l2").path("ttlSeconds").asLong()).isBetween(500L, 660L);
        assertThat(state.path("l1").path("sequence").asLong()).isEqualTo(sequence);
        assertThat(state.path("l1").path("version").asLong()).as("the product's counter in L1").isEqualTo(2);
        assertThat(state.path("floor").asLong()).isEqualTo(sequence);
        assertThat(state.path("surrogateKeys").toString()).contains("product-" + id, "category-" + category);

        patchPrice(id, "12.00");
        JsonNode after = json(admin().get("/admin/cache/products/{id}", id).asString());
        assertThat(after.path("store").path("version").asLong()).isEqualTo(3);
        assertThat(after.path("store").path("sequence").asLong()).isGreaterThan(sequence);
        assertThat(after.path("floor").asLong()).isEqualTo(after.path("store").path("sequence").asLong());
        // the write put its new version into this pod's L1 (update in place) and marked the L2 entry at it
        assertThat(after.path("l1").path("sequence").asLong()).as(after.toString())
                .isEqualTo(after.path("store").path("sequence").asLong());
        assertThat(after.path("l1").path("version").asLong()).as(after.toString()).isEqualTo(3);
        assertThat(after.path("l2").path("kind").asText()).isEqualTo("marker");
        assertThat(after.path("l2").path("sequence").asLong()).isEqualTo(after.path("store").path("sequence").asLong());
        assertThat(after.path("l2").path("version").isNull()).as("a marker holds no product: %s", after).isTrue();
    }

    @Test
    void anUnknownIdIsNotFoundAndABadOneABadRequest() {
        assertProblem(admin().get("/admin/cache/products/{id}", uniqueId("never")), 404);
        assertProblem(admin().post("/admin/cache/products/{id}/refresh", uniqueId("never")), 404);
        assertProblem(admin().get("/admin/cache/products/{id}", "bad!id"), 400);
    }

    @Test
    void aRefreshRepublishesWithAFreshSequenceAndKeepsTheVersion() {
        String id = uniqueId("refresh");
        create(id, uniqueCategory("refresh"), "7.00");
        anyone().get("/products/{id}", id);
        long before = Long.parseLong(anyone().get("/products/{id}", id).header("X-Cache-Version"));

        Response refresh = admin().post("/admin/cache/products/{id}/refresh", id);
        assertThat(refresh.statusCode()).as(refresh.asString()).isEqualTo(202);
        assertThat(refresh.header("Cache-Control")).isEqualTo("no-store");

        JsonNode state = json(admin().get("/admin/cache/products/{id}", id).asString());
        long after = state.path("store").path("sequence").asLong();
        assertThat(after).isGreaterThan(before);
        assertThat(state.path("store").path("version").asLong()).isEqualTo(1);
        assertThat(state.path("l1").isNull()).isTrue();
        assertThat(state.path("l2").path("kind").asText()).isEqualTo("marker");
        assertThat(state.path("l2").path("sequence").asLong()).isEqualTo(after);
        // an event of the fresh sequence reached the stream, which every pod and the edge purge read
        await().atMost(Duration.ofSeconds(10)).until(() -> TestCatalog.eventsOf(id).stream()
                .anyMatch(e -> e.path("sequence").asLong() == after));
        Response read = anyone().get("/products/{id}", id);
        assertThat(read.header("X-Cache-Version")).isEqualTo(Long.toString(after));
        assertThat(read.header("X-Cache")).isEqualTo("MISS");
        assertThat(json(read.asString()).path("version").asLong()).isEqualTo(1);
    }

    @Test
    void hotKeysListTheMostReadFirst() {
        String category = uniqueCategory("hot");
        String hottest = uniqueId("hot");
        String warm = uniqueId("warm");
        create(hottest, category, "1.00");
        long created = Long.parseLong(create(warm, category, "1.00").header("X-Cache-Version"));
        // this pod's own feed too: then the flush leaves both out of L1 and the first reads miss
        awaitFeedReached(created);
        // a late duplicate of a create's event (a sweep publishing what was not cleared yet) may put the entry back
        // after a flush: flush until a read misses, so that the counts below begin with one miss
        int flushes = 0;
        do {
            coherence.l1().flush();
            flushes++;
        } while (!"MISS".equals(anyone().get("/products/{id}", hottest).header("X-Cache")) && flushes < 20);
        for (int i = 0; i < 300; i++) {
            anyone().get("/products/{id}", hottest);
            if (i % 3 == 0) {
                anyone().get("/products/{id}", warm);
            }
        }
        Response response = admin().queryParam("limit", 100).get("/admin/cache/hot");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        JsonNode items = json(response.asString()).path("items");
        assertThat(items.size()).isBetween(2, 100);
        int hotAt = -1;
        int warmAt = -1;
        for (int i = 0; i < items.size(); i++) {
            String key = items.get(i).path("key").asText();
            hotAt = key.equals("p:" + hottest) ? i : hotAt;
            warmAt = key.equals("p:" + warm) ? i : warmAt;
        }
        assertThat(hotAt).as(items.toString()).isNotNegative().isLessThan(warmAt);
        JsonNode hot = items.get(hotAt);
        assertThat(hot.path("reads").asLong()).isBetween(250L, 300L + flushes);
        assertThat(hot.path("misses").asLong()).isBetween(1L, 5L);
        assertThat(items.get(warmAt).path("reads").asLong()).isBetween(80L, 100L);

        patchPrice(hottest, "2.00");
        await().atMost(Duration.ofSeconds(10)).until(() -> json(admin().get("/admin/cache/hot?limit=100").asString())
                .path("items").findParents("key").stream()
                .anyMatch(n -> n.path("key").asText().equals("p:" + hottest) && n.path("invalidations").asLong() == 1));
    }

    @Test
    void summaryReadsAreCountedInTheHotKeysAsProductReadsAre() {
        String category = uniqueCategory("hotsum");
        create(uniqueId("hotsum"), category, "3.00");
        for (int i = 0; i < 50; i++) {
            assertThat(anyone().get("/categories/{c}/summary", category).statusCode()).isEqualTo(200);
        }
        JsonNode items = json(admin().queryParam("limit", 100).get("/admin/cache/hot").asString()).path("items");
        JsonNode summary = items.findParents("key").stream()
                .filter(n -> n.path("key").asText().equals(Keys.summary(category))).findFirst().orElse(null);
        assertThat(summary).as(items.toString()).isNotNull();
        assertThat(summary.path("reads").asLong()).isBetween(40L, 50L);
    }

    @Test
    void aLimitOutsideOneToAHundredIsABadRequest() {
        for (String limit : new String[] { "0", "101", "-1", "abc", "1.5" }) {
            assertProblem(admin().queryParam("limit", limit).get("/admin/cache/hot"), 400);
        }
        assertThat(admin().queryParam("limit", 1).get("/admin/cache/hot").statusCode()).isEqualTo(200);
    }
}
