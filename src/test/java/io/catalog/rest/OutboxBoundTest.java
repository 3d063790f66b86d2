package io.catalog.rest;

import static io.catalog.rest.TestCatalog.anyone;
import static io.catalog.rest.TestCatalog.createUnique;
import static io.catalog.rest.TestCatalog.eventsOf;
import static io.catalog.rest.TestCatalog.json;
import static io.catalog.rest.TestCatalog.patchPrice;
import static io.catalog.rest.TestCatalog.uniqueCategory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.testing.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A hot product written many times while Redis (the stream, the sink) is down: every write is stored but not
 * acknowledged (503: no instance could be told), fast, the item's outbox stays bounded (its events coalesce), and once
 * Redis is back the newest version is served and is in the stream.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackResource.class, restrictToAnnotatedClass = false)
class OutboxBoundTest {

    static final int WRITES = 200;
    /** CatalogWriter.MAX_PENDING. */
    static final int BOUND = 32;

    private static int pendingEvents(String id) {
        String table = ConfigProvider.getConfig().getValue("catalog.dynamodb.table-prefix", String.class) + "products";
        String reply = LocalStackResource.dynalite().call("GetItem",
                "{\"TableName\":\"" + table + "\",\"ConsistentRead\":true,\"Key\":{\"id\":{\"S\":\"" + id + "\"}}}")
                .body();
        JsonNode outbox = json(reply).path("Item").path("outbox").path("M");
        return outbox.size();
    }

    @Test
    void aHotItemsOutboxStaysBoundedWhileRedisIsDownAndTheNewestWinsAfterwards() {
        String id = createUnique("hot", uniqueCategory("hot"), "1.00");
        LocalStackResource.redis().kill();
        String last = null;
        try {
            for (int i = 0; i < WRITES; i++) {
                last = (2 + i) + ".00";
                io.restassured.response.Response response = patchPrice(id, last);
                assertThat(response.statusCode()).as("write %d", i).isEqualTo(503);
                assertThat(response.jsonPath().getString("type")).endsWith("/change-not-confirmed");
            }
            assertThat(pendingEvents(id)).as("pending events held on the item").isBetween(1, BOUND);
        } finally {
            LocalStackResource.redis().restart();
        }
        String newestPrice = last;
        BigDecimal newest = new BigDecimal(last);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(anyone().get("/products/{id}", id).jsonPath().getString("price")).isEqualTo(newestPrice);
            assertThat(eventsOf(id)).anySatisfy(e -> assertThat(e.path("price").decimalValue()).isEqualByComparingTo(newest));
            assertThat(pendingEvents(id)).isZero();
        });
    }
}
