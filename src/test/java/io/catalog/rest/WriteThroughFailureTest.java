package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.createUnique;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.catalog.cache.L2Cache;
import io.catalog.model.Keys;
import io.catalog.testing.LocalStackResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Path 5 of the never-stale issue: in {@code write-through} mode the publish writes the new document into L2; when
 * Redis refuses that write, the publish must fail (and be retried by the relay) instead of going on as if L2 held the
 * change: an L2 entry the change did not replace outlives every floor and start-up replay (its TTL is minutes). Redis
 * refuses it for real here: the entry's key holds a list, so the compare-and-set script fails with WRONGTYPE while
 * every other step of the publish succeeds.
 */
@QuarkusTest
@TestProfile(WriteThroughFailureTest.WriteThrough.class)
class WriteThroughFailureTest {

    public static class WriteThrough implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("catalog.cache.write-mode", "write-through");
        }
    }

    @Inject
    L2Cache l2;

    @Test
    void aWriteThroughThatRedisRefusesFailsThePublishWhichIsRetriedUntilL2HoldsTheChange() {
        String id = createUnique("through", uniqueCategory("through"), "1.00");
        String key = l2.keyOf(Keys.product(id));
        LocalStackResource.redis().command("DEL", key);
        LocalStackResource.redis().command("RPUSH", key, "not an entry");

        var response = patchPrice(id, "2.00");

        assertThat(response.statusCode()).as("a write whose publish failed is not acknowledged: %s",
                response.asString()).isEqualTo(503);
        LocalStackResource.redis().command("DEL", key);
        await("the relay publishes it again, L2 included").atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(LocalStackResource.redis().command("GET", key)).contains("\"price\":2"));
        assertThat(anyone().get("/products/{id}", id).jsonPath().getString("price")).isEqualTo("2.00");
    }
}
