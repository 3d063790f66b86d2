package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.createUnique;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.catalog.cache.CacheCoherence;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * A client inventing product ids, categories and page sizes, through HTTP, against a service with tiny bounds:
 * every per-key structure stays within its bound, and a real product read before the flood is never answered
 * older after it (its floor may have been evicted: the low-water mark and a strongly consistent re-read stand in).
 * The heap itself is measured by {@code bin/flood-heap}, not here.
 */
@Tag("slow")
@QuarkusTest
@TestProfile(FloodTest.TinyBounds.class)
class FloodTest {

    static final int L1_ENTRIES = 40;
    static final int FLOORS = 30;
    static final long L1_BYTES = 64 * 1024;

    public static class TinyBounds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("catalog.l1.maximum-size", String.valueOf(L1_ENTRIES),
                    "catalog.l1.maximum-weight", String.valueOf(L1_BYTES),
                    "catalog.l1.maximum-floors", String.valueOf(FLOORS));
        }
    }

    @Inject
    CacheCoherence coherence;

    @Test
    void inventedIdsCategoriesAndPageSizesLeaveThePerKeyStateBoundedAndReadsMonotonic() {
        String category = uniqueCategory("flood");
        String id = createUnique("real", category, "1.00");
        assertThat(patchPrice(id, "2.00").statusCode()).isEqualTo(200);
        long seen = version(anyone().get("/products/{id}", id));

        for (int i = 0; i < 120; i++) {
            assertThat(anyone().get("/products/{id}", "invented-" + i).statusCode()).isEqualTo(404);
            assertThat(anyone().get("/categories/{c}/summary", "invented-" + i).statusCode()).isEqualTo(404);
            assertThat(anyone().queryParam("category", "invented-" + i).queryParam("limit", 1 + i % 100)
                    .get("/products").statusCode()).isEqualTo(200);
            assertThat(anyone().queryParam("category", category).queryParam("limit", 1 + i % 100)
                    .get("/products").statusCode()).isEqualTo(200);
        }

        assertThat(coherence.floors().size()).as("floors after 360 invented keys").isLessThanOrEqualTo(FLOORS);
        assertThat(coherence.l1().size()).as("L1 entries").isLessThanOrEqualTo(L1_ENTRIES);
        assertThat(coherence.l1().weight()).as("L1 estimated bytes").isLessThanOrEqualTo(L1_BYTES);
        Response after = anyone().get("/products/{id}", id);
        assertThat(version(after)).as("the real product after the flood").isGreaterThanOrEqualTo(seen);
        assertThat(json(after.asString()).path("price").decimalValue()).isEqualByComparingTo("2.00");
    }

    private static long version(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return Long.parseLong(response.header("X-Cache-Version"));
    }
}
