package io.catalog.ui;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.catalog.config.CatalogConfig;
import io.catalog.events.FeedPosition;
import io.catalog.model.ProductUpdated;
import io.catalog.support.Json;
import io.catalog.testing.AdminTokens;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * API.md section 3, browser pages: server-rendered HTML whose product and category pages carry their JSON's edge
 * headers; the admin console and the dashboard are never cached.
 */
@QuarkusTest
class UiPagesTest {

    @Inject
    RedisDataSource redis;
    @Inject
    CatalogConfig config;
    @Inject
    Json json;

    private static final String[] EDGE_HEADERS = { "Cache-Control", "X-Cache-Version", "Surrogate-Key", "Cache-Tag" };

    private static String token() {
        return AdminTokens.admin();
    }

    private static void assertSameEdgeHeaders(Response page, Response json) {
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        for (String header : EDGE_HEADERS) {
            assertThat(page.header(header)).as(header).isNotBlank().isEqualTo(json.header(header));
        }
        assertThat(page.header("X-Cache")).isIn("L1", "L2", "MISS");
        assertThat(page.header("ETag")).matches("(W/)?\".*").isNotEqualTo(json.header("ETag"));
    }

    @Test
    void aProductPageCarriesItsJsonsEdgeHeadersAndItsVersion() throws Exception {
        String id = uniqueId("ui-p");
        create(admin(), id, "Teapot <b>&</b>", uniqueCategory("ui-cat"), "12.50");
        Response json = given().get("/products/{id}", id);
        Response page = given().get("/ui/products/{id}", id);

        assertSameEdgeHeaders(page, json);
        assertThat(page.header("Surrogate-Key")).contains("product-" + id);
        String html = page.asString();
        assertThat(html).contains("12.50").contains("Teapot &lt;b&gt;&amp;&lt;/b&gt;")
                .contains("data-since=\"" + json.header("X-Cache-Version") + "\"")
                .contains("/ui/assets/live.js");

        Response again = given().header("If-None-Match", page.header("ETag")).get("/ui/products/{id}", id);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.header("ETag")).isEqualTo(page.header("ETag"));
    }

    @Test
    void aPagesETagChangesWithThePrice() throws Exception {
        String id = uniqueId("ui-e");
        create(admin(), id, "Kettle", uniqueCategory("ui-cat"), "3.00");
        String before = given().get("/ui/products/{id}", id).header("ETag");
        given().auth().oauth2(token()).contentType("application/json").body("{\"price\":4.00}")
                .patch("/admin/products/{id}/price", id).then().statusCode(200);
        Response after = given().get("/ui/products/{id}", id);
        assertThat(after.asString()).contains("4.00");
        assertThat(after.header("ETag")).isNotEqualTo(before);
        assertThat(given().header("If-None-Match", before).get("/ui/products/{id}", id).statusCode()).isEqualTo(200);
    }

    @Test
    void aCategoryPageListsItsProductsWithTheListingsEdgeHeaders() throws Exception {
        String category = uniqueCategory("ui-list");
        create(admin(), uniqueId("ui-a"), "Alpha", category, "1.00");
        create(admin(), uniqueId("ui-b"), "Beta", category, "2.25");
        Response json = given().queryParam("category", category).queryParam("limit", UiPages.CATEGORY_PAGE)
                .get("/products");
        Response page = given().get("/ui/categories/{c}", category);

        assertSameEdgeHeaders(page, json);
        assertThat(page.header("Surrogate-Key")).contains("category-" + category);
        assertThat(page.asString()).contains("Alpha").contains("Beta").contains("2.25")
                .contains("data-category=\"" + category + "\"");
    }

    /**
     * A category page's live prices resume where the serving pod's feed was when it assembled the page, not at the
     * page's {@code X-Cache-Version}: concurrent writers append changes out of their sequences' order, so a change
     * appended before the one that labels the page, with a lower sequence, and not shown by it would never reach the
     * open tab if the tab resumed after the label. A change in another category moves the feed, not the label: the
     * page's resume point follows the feed, while its (weak) ETag, of what it shows, stays.
     */
    @Test
    void aCategoryPageResumesItsLivePricesWhereThePodsFeedWasNotAtItsLabel() throws Exception {
        String category = uniqueCategory("ui-live");
        create(admin(), uniqueId("ui-l"), "Lamp", category, "5.00");
        Response before = given().get("/ui/categories/{c}", category);

        long elsewhere = Long.parseLong(create(admin(), uniqueId("ui-o"), "Other", uniqueCategory("ui-else"), "1.00")
                .header("X-Cache-Version"));
        String elsewhereEntry = Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> entryOf(elsewhere),
                java.util.Objects::nonNull);
        // once the feed has applied it (other tests' late publishes may follow it), the page resumes at or after it
        Response page = Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> given().get("/ui/categories/{c}", category), p -> resumesAtOrAfter(since(p.asString()),
                        elsewhereEntry));

        assertThat(page.header("X-Cache-Version")).isEqualTo(before.header("X-Cache-Version"));
        assertThat(Long.parseLong(page.header("X-Cache-Version"))).isLessThan(elsewhere);
        assertThat(page.header("ETag")).startsWith("W/\"").isEqualTo(before.header("ETag"));
        assertThat(given().header("If-None-Match", before.header("ETag")).get("/ui/categories/{c}", category)
                .statusCode()).isEqualTo(304);
        // the page's JSON (its size; another size is another representation, with a label of its own) names a
        // resume point as safe for API clients
        Response json = given().queryParam("category", category).queryParam("limit", UiPages.CATEGORY_PAGE)
                .get("/products");
        assertThat(json.header("X-Cache-Version")).isEqualTo(page.header("X-Cache-Version"));
        assertThat(resumesAtOrAfter(Long.parseLong(json.header("X-Live-Since")), elsewhereEntry)).isTrue();
    }

    private static long since(String html) {
        java.util.regex.Matcher since = java.util.regex.Pattern.compile("data-since=\"(\\d+)\"").matcher(html);
        assertThat(since.find()).as("data-since in the page").isTrue();
        return Long.parseLong(since.group(1));
    }

    /** Whether the stream entry of the event of {@code sequence} is {@code entry} or was appended after it. */
    private boolean resumesAtOrAfter(long sequence, String entry) {
        String at = entryOf(sequence);
        return at != null && FeedPosition.compare(at, entry) >= 0;
    }

    /** The stream entry of the event of {@code sequence} among the newest 1,000, or {@code null}. */
    private String entryOf(long sequence) {
        for (StreamMessage<String, String, String> message : redis.stream(String.class, String.class, String.class)
                .xrevrange(config.events().stream(), StreamRange.of("+", "-"), 1000)) {
            String event = message.payload().get("event");
            if (event != null && json.read(event, ProductUpdated.class).sequence() == sequence) {
                return message.id();
            }
        }
        return null;
    }

    @Test
    void theHomePageListsCategories() throws Exception {
        String category = uniqueCategory("ui-home");
        create(admin(), uniqueId("ui-h"), "Home", category, "1.00");
        Response page = given().get("/ui/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.header("Surrogate-Key")).contains("products");
        assertThat(page.asString()).contains("/ui/categories/");
    }

    @Test
    void unknownProductsAndBadIdsAreAnsweredClearly() {
        Response missing = given().get("/ui/products/{id}", uniqueId("ui-none"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("text/html");
        assertThat(missing.asString()).contains("No product");
        assertThat(given().get("/ui/products/{id}", "bad!id").statusCode()).isEqualTo(400);
    }

    @Test
    void theAdminConsoleAndTheDashboardAreNeverCached() {
        for (String path : new String[] { "/ui/admin", "/ui/dashboard" }) {
            Response page = given().get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.contentType()).startsWith("text/html");
            assertThat(page.header("Cache-Control")).as(path).isEqualTo("no-store");
        }
        assertThat(given().get("/ui/admin").asString()).contains("type=\"password\"").contains("/ui/assets/admin.js");
    }

    @Test
    void theDashboardReadsThePodsOwnMeters() {
        given().get("/ui/dashboard").then().statusCode(200);
        Response metrics = given().get("/ui/dashboard/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.header("Cache-Control")).isEqualTo("no-store");
        JsonPath doc = metrics.jsonPath();
        assertThat(doc.getString("pod")).as("a random label, never the host name").matches("instance-[0-9a-f]{8}")
                .doesNotContain(String.valueOf(System.getenv().getOrDefault("HOSTNAME", "catalog-service")));
        assertThat(doc.getMap("tiers")).containsKeys("l1", "l2");
        assertThat(doc.getMap("propagation")).containsKeys("count", "p50Millis", "p99Millis");
        assertThat(doc.getMap("feed")).containsKeys("healthy", "lagSeconds", "applied");
        assertThat(doc.getMap("cloudFront")).containsEntry("configured", false);
        assertThat(doc.getMap("operations")).containsKeys("outboxPending", "storeLoads", "storeBreakerOpen",
                "consistencyChecks", "answers");
        assertThat(doc.getMap("operations.answers")).containsKeys("total", "serverErrors", "unavailable", "throttled");
        assertThat(doc.getDouble("operations.answers.total")).as("the pod has answered requests").isPositive();
    }

    @Test
    void theOpenApiDocumentNamesThePagesAndTheLiveStream() {
        String openapi = given().get("/q/openapi").asString();
        assertThat(openapi).contains("/events/products:").contains("text/event-stream").contains("/ui/products/{id}:")
                .contains("/ui/categories/{category}:");
    }

    @Test
    void theScriptsAndStylesAreServedByTheServiceItself() {
        for (String asset : new String[] { "app.css", "live.js", "admin.js", "dashboard.js", "common.js" }) {
            assertThat(given().get("/ui/assets/" + asset).statusCode()).as(asset).isEqualTo(200);
        }
    }
}
