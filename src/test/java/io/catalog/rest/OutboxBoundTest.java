package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.createUnique;
import static io.catalog.testing.TestCatalog.eventsOf;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.testing.LocalStackResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A hot product written many times while Redis (the stream, the sink) is down: the first writes are stored but not
 * acknowledged (503 change-not-confirmed: no instance could be told); once the item holds the most unpublished events
 * it may, further writes are refused with nothing stored (503 events-pending), so that no event is dropped. Once Redis
 * is back every stored change is in the stream, in order, and the newest stored version is served.
 */
@QuarkusTest
class OutboxBoundTest {

    static final int WRITES = 40;
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
    void aHotItemsOutboxStaysBoundedWhileRedisIsDownAndNoEventIsDropped() {
        String id = createUnique("hot", uniqueCategory("hot"), "1.00");
        LocalStackResource.redis().kill();
        List<BigDecimal> stored = new ArrayList<>();
        try {
            for (int i = 0; i < WRITES; i++) {
                String price = (2 + i) + ".00";
                io.restassured.response.Response response = patchPrice(id, price);
                assertThat(response.statusCode()).as("write %d", i).isEqualTo(503);
                assertThat(response.header("Retry-After")).as("write %d", i).isNotBlank();
                String type = response.jsonPath().getString("type");
                if (i < BOUND) {
                    assertThat(type).as("write %d", i).endsWith("/change-not-confirmed");
                    stored.add(new BigDecimal(price));
                } else {
                    assertThat(type).as("write %d", i).endsWith("/events-pending");
                }
            }
            assertThat(pendingEvents(id)).as("pending events held on the item").isEqualTo(BOUND);
        } finally {
            LocalStackResource.redis().restart();
        }
        String newestPrice = stored.get(stored.size() - 1).toPlainString();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(anyone().get("/products/{id}", id).jsonPath().getString("price")).isEqualTo(newestPrice);
            assertThat(pendingEvents(id)).isZero();
            List<BigDecimal> published = eventsOf(id).stream().map(e -> e.path("price").decimalValue())
                    .filter(p -> p.compareTo(BigDecimal.ONE) > 0).toList();
            assertThat(published).as("every stored change's event, in order").usingElementComparator(BigDecimal::compareTo)
                    .containsExactlyElementsOf(stored);
        });
        assertThat(patchPrice(id, "999.00").statusCode()).as("a write once the events are out").isEqualTo(200);
    }
}
