package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.assertProblem;
import static io.catalog.testing.TestCatalog.createUnique;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.cache.CacheCoherence;
import io.catalog.config.CatalogConfig;
import io.catalog.service.Cursors;
import io.catalog.service.PageSizes;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Page keys a client cannot multiply (issue 11): cursors are signed for their listing and limit, so forged or
 * re-sized ones are refused, and every limit from 1 to 100 is cut from a few canonical cached pages.
 */
@Tag("slow")
@QuarkusTest
class PageKeysTest {

    @Inject
    CacheCoherence coherence;

    @Inject
    CatalogConfig config;

    private static Response page(String category, int limit, String cursor) {
        var request = anyone().queryParam("category", category).queryParam("limit", limit);
        return (cursor == null ? request : request.queryParam("cursor", cursor)).get("/products");
    }

    private static List<String> ids(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        json(response.asString()).path("items").forEach(item -> ids.add(item.path("id").asText()));
        return ids;
    }

    private static String next(Response response) {
        JsonNode next = json(response.asString()).path("nextCursor");
        return next.isNull() ? null : next.asText();
    }

    /** Creates {@code count} products and waits until the category's pages are cached (past the index settle). */
    private List<String> category(String category, int count) {
        for (int i = 0; i < count; i++) {
            createUnique(String.format("k%02d", i), category, (i + 1) + ".10");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Response response = page(category, 100, null);
            return ids(response).size() == count && !"MISS".equals(response.header("X-Cache"));
        });
        return ids(page(category, 100, null));
    }

    @Test
    void everyLimitIsCutFromACanonicalPageAndItsCursorsContinueIt() {
        String category = uniqueCategory("canon");
        List<String> all = category(category, 23);

        for (int limit = 1; limit <= 100; limit++) {
            Response first = page(category, limit, null);
            assertThat(ids(first)).as("limit %d", limit).isEqualTo(all.subList(0, Math.min(limit, all.size())));
            assertThat(next(first) != null).as("nextCursor at limit %d", limit).isEqualTo(limit < all.size());
        }
        for (int limit : List.of(1, 3, 7, 11, 20, 22)) {
            List<String> walked = new ArrayList<>();
            String cursor = null;
            do {
                Response response = page(category, limit, cursor);
                walked.addAll(ids(response));
                cursor = next(response);
            } while (cursor != null);
            assertThat(walked).as("walk at limit %d", limit).isEqualTo(all);
        }

        Set<String> pageKeys = coherence.l1().keys().stream().filter(k -> k.startsWith("l:" + category + ":"))
                .collect(Collectors.toSet());
        Set<Integer> sizes = pageKeys.stream().map(k -> Integer.parseInt(k.split(":")[2])).collect(Collectors.toSet());
        assertThat(sizes).as("L1 page keys %s", pageKeys).isNotEmpty().isSubsetOf(PageSizes.CANONICAL);
        assertThat(pageKeys.stream().filter(k -> k.endsWith(":")).count()).as("first pages cached")
                .isLessThanOrEqualTo(PageSizes.CANONICAL.size());
        assertThat(pageKeys).as("at most one entry per canonical size and position")
                .hasSizeLessThanOrEqualTo(PageSizes.CANONICAL.size() * (1 + all.size()));
    }

    @Test
    void aCursorReplayedWithAnotherLimitIs400() {
        String category = uniqueCategory("resize");
        category(category, 4);
        String cursor = next(page(category, 2, null));
        assertThat(cursor).isNotNull();

        assertThat(page(category, 2, cursor).statusCode()).isEqualTo(200);
        for (int other : List.of(1, 3, 20, 100)) {
            assertProblem(page(category, other, cursor), 400);
        }
        assertProblem(anyone().queryParam("category", category).queryParam("cursor", cursor).get("/products"), 400);
    }

    @Test
    void forgedCursorsAre400() {
        String category = uniqueCategory("forge");
        List<String> all = category(category, 4);
        String cursor = next(page(category, 1, null));
        String mac = cursor.substring(cursor.indexOf('.') + 1);
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();

        // a genuine MAC moved onto another position
        String moved = base64.encodeToString(all.get(2).getBytes(StandardCharsets.UTF_8)) + "." + mac;
        assertProblem(page(category, 1, moved), 400);
        // a cursor signed with the built-in secret, public in the repository (this test profile does not use it)
        assertThat(config.cursor().secret()).isNotEqualTo(CatalogConfig.Cursor.BUILT_IN_SECRET);
        Cursors builtIn = new Cursors(withSecret(config, CatalogConfig.Cursor.BUILT_IN_SECRET));
        assertProblem(page(category, 1, builtIn.issue(category, 1, all.get(2))), 400);
        // a cursor of the whole catalog's listing used for this category
        Cursors ours = new Cursors(config);
        assertThat(ours.issue(category, 1, all.get(2))).as("the service's own signature works").satisfies(
                c -> assertThat(ids(page(category, 1, c))).containsExactly(all.get(3)));
        assertProblem(page(category, 1, ours.issue("*", 1, all.get(2))), 400);
    }

    /** {@code config} with another cursor secret. */
    static CatalogConfig withSecret(CatalogConfig config, String secret) {
        CatalogConfig.Cursor cursor = () -> secret;
        return (CatalogConfig) Proxy.newProxyInstance(CatalogConfig.class.getClassLoader(),
                new Class<?>[] { CatalogConfig.class },
                (proxy, method, args) -> method.getName().equals("cursor") ? cursor : method.invoke(config, args));
    }

    @Test
    void aFloodOfLimitsAndPositionsAddsNoOtherPageKeys() {
        String category = uniqueCategory("flood");
        List<String> all = category(category, 12);
        Cursors ours = new Cursors(config);
        for (int limit = 1; limit <= 100; limit++) {
            for (String after : all) {
                page(category, limit, ours.issue(category, limit, after));
            }
        }

        Set<String> pageKeys = coherence.l1().keys().stream().filter(k -> k.startsWith("l:" + category + ":"))
                .collect(Collectors.toSet());
        assertThat(pageKeys).as("1,200 distinct requests").isNotEmpty()
                .hasSizeLessThanOrEqualTo(PageSizes.CANONICAL.size() * (1 + all.size()));
    }
}
