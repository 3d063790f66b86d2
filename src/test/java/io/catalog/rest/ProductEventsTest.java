package io.catalog.rest;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.awaitEvents;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.testing.LocalStackResource;
import io.catalog.testing.TestCatalog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** API.md section 4: every change emits one ProductUpdated event to the Redis stream {@code catalog:events}. */
@QuarkusTest
class ProductEventsTest {

    @Test
    void streamEntriesCarryTheEventInTheFieldEvent() {
        String id = uniqueId("raw");
        create(id, uniqueCategory("raw"), "1.00");
        awaitEvents(id, 1);
        String reply = LocalStackResource.redis().command("XREVRANGE", TestCatalog.EVENTS_STREAM, "+", "-", "COUNT",
                "2000");
        // RESP: ... $5\r\nevent\r\n$<n>\r\n{json} ...
        int at = reply.indexOf("\"productId\":\"" + id + "\"");
        assertThat(at).isPositive();
        String before = reply.substring(0, at);
        int jsonStart = before.lastIndexOf("\r\n{");
        String fieldPart = before.substring(0, jsonStart);
        assertThat(fieldPart).endsWith("event\r\n" + fieldPart.substring(fieldPart.lastIndexOf("$")));
    }

    @Test
    void patchEmitsProductUpdated() {
        String category = uniqueCategory("ev");
        String id = uniqueId("ev");
        create(id, category, "10.00");
        Response patched = patchPrice(id, "12.50");
        assertThat(patched.statusCode()).isEqualTo(200);
        long writeSequence = Long.parseLong(patched.header("X-Cache-Version"));

        List<JsonNode> events = awaitEvents(id, 2);
        assertThat(events).hasSize(2);
        JsonNode created = events.get(0);
        JsonNode event = events.get(1);

        assertThat(created.path("type").asText()).isEqualTo("ProductUpdated");
        assertThat(created.path("version").asLong()).isEqualTo(1);
        assertThat(created.path("deleted").asBoolean()).isFalse();
        assertThat(created.path("price").decimalValue()).isEqualByComparingTo("10.00");

        assertThat(event.path("type").asText()).isEqualTo("ProductUpdated");
        assertThat(event.path("productId").asText()).isEqualTo(id);
        assertThat(event.path("category").asText()).isEqualTo(category);
        assertThat(event.path("version").isIntegralNumber()).isTrue();
        assertThat(event.path("version").asLong()).isEqualTo(2);
        assertThat(event.path("sequence").isIntegralNumber()).isTrue();
        assertThat(event.path("sequence").asLong()).isGreaterThan(created.path("sequence").asLong());
        assertThat(event.path("sequence").asLong()).isEqualTo(writeSequence);
        assertThat(event.path("price").isNumber()).as("price is a JSON number").isTrue();
        assertThat(event.path("price").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(event.path("previousPrice").decimalValue()).isEqualByComparingTo("10.00");
        assertThat(event.path("deleted").isBoolean()).isTrue();
        assertThat(event.path("deleted").asBoolean()).isFalse();
        assertThat(Instant.parse(event.path("occurredAt").asText())).isBefore(Instant.now().plusSeconds(5));

        // the public read reports the event's sequence as its X-Cache-Version
        Response read = TestCatalog.anyone().get("/products/{id}", id);
        assertThat(Long.parseLong(read.header("X-Cache-Version"))).isEqualTo(event.path("sequence").asLong());
    }

    @Test
    void deleteEmitsDeletedTrue() {
        String category = uniqueCategory("evdel");
        String id = uniqueId("evdel");
        create(id, category, "4.20");
        assertThat(admin().delete("/admin/products/{id}", id).statusCode()).isEqualTo(204);

        List<JsonNode> events = awaitEvents(id, 2);
        assertThat(events).hasSize(2);
        JsonNode deleted = events.get(1);
        assertThat(deleted.path("type").asText()).isEqualTo("ProductUpdated");
        assertThat(deleted.path("productId").asText()).isEqualTo(id);
        assertThat(deleted.path("category").asText()).isEqualTo(category);
        assertThat(deleted.path("deleted").asBoolean()).isTrue();
        assertThat(deleted.path("version").asLong()).isEqualTo(2);
        assertThat(deleted.path("previousPrice").decimalValue()).isEqualByComparingTo("4.20");
        assertThat(deleted.path("sequence").asLong()).isGreaterThan(events.get(0).path("sequence").asLong());
    }

    @Test
    void everyWriteEmitsExactlyOneEventWithStrictlyIncreasingSequences() {
        String category = uniqueCategory("seq");
        String id = uniqueId("seq");
        create(id, category, "1.00");
        for (String price : List.of("1.01", "1.02", "1.03")) {
            assertThat(patchPrice(id, price).statusCode()).isEqualTo(200);
        }
        Response batch = admin().contentType("application/json")
                .body("{\"updates\":[{\"id\":\"" + id + "\",\"price\":1.04}]}").post("/admin/prices/batch");
        assertThat(batch.statusCode()).isEqualTo(200);
        assertThat(admin().contentType("application/json").body(TestCatalog.productBody("Renamed", category, "1.05"))
                .put("/admin/products/{id}", id).statusCode()).isEqualTo(200);
        assertThat(admin().delete("/admin/products/{id}", id).statusCode()).isEqualTo(204);

        // a later write's event is a marker: every event of the writes above is in the stream before it
        String marker = TestCatalog.createUnique("marker", category, "9.99");
        awaitEvents(marker, 1);
        List<JsonNode> events = eventsBefore(marker, id);
        assertThat(events).as("events of %s before the marker", id).hasSize(7);
        assertThat(TestCatalog.eventsOf(id)).as("events of %s in the whole stream", id).hasSize(7);

        List<Long> sequences = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        for (JsonNode event : events) {
            sequences.add(event.path("sequence").asLong());
            versions.add(event.path("version").asLong());
        }
        assertThat(sequences).isSorted().doesNotHaveDuplicates();
        assertThat(versions).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(events.get(1).path("previousPrice").decimalValue()).isEqualByComparingTo("1.00");
        assertThat(events.get(4).path("price").decimalValue()).isEqualByComparingTo("1.04");
        assertThat(events.get(4).path("previousPrice").decimalValue()).isEqualByComparingTo("1.03");
        assertThat(events.get(6).path("deleted").asBoolean()).isTrue();
        for (int i = 0; i < 6; i++) {
            assertThat(events.get(i).path("deleted").asBoolean()).isFalse();
        }
    }

    @Test
    void sequencesIncreaseAcrossProducts() {
        String category = uniqueCategory("global");
        String a = uniqueId("ga");
        String b = uniqueId("gb");
        create(a, category, "1.00");
        create(b, category, "2.00");
        assertThat(patchPrice(a, "1.50").statusCode()).isEqualTo(200);
        long seqA1 = awaitEvents(a, 1).get(0).path("sequence").asLong();
        long seqB = awaitEvents(b, 1).get(0).path("sequence").asLong();
        long seqA2 = awaitEvents(a, 2).get(1).path("sequence").asLong();
        assertThat(seqA1).isLessThan(seqB);
        assertThat(seqB).isLessThan(seqA2);
    }

    @Test
    void rejectedWritesEmitNothing() {
        String id = uniqueId("noev");
        create(id, uniqueCategory("noev"), "1.00");
        awaitEvents(id, 1);
        assertThat(patchPrice(id, "1.001").statusCode()).isEqualTo(400);
        assertThat(admin().header("If-Match", "\"stale\"").contentType("application/json")
                .body(TestCatalog.priceBody("2.00")).patch("/admin/products/{id}/price", id).statusCode())
                .isEqualTo(412);
        assertThat(json(TestCatalog.anyone().get("/products/{id}", id).asString()).path("version").asLong())
                .isEqualTo(1);

        // a later accepted write is the marker: had a rejected one emitted an event, it would precede the marker's
        assertThat(patchPrice(id, "3.00").statusCode()).isEqualTo(200);
        List<JsonNode> events = awaitEvents(id, 2);
        assertThat(events).as("the creation's and the marker's events only").hasSize(2);
        assertThat(events.get(1).path("version").asLong()).isEqualTo(2);
        assertThat(events.get(1).path("price").decimalValue()).isEqualByComparingTo("3.00");
        assertThat(events.get(1).path("previousPrice").decimalValue()).isEqualByComparingTo("1.00");
    }

    /** The events of {@code id} appended before the (first) event of {@code marker}, oldest first. */
    private static List<JsonNode> eventsBefore(String marker, String id) {
        List<JsonNode> newestFirst = TestCatalog.latestEvents(2000);
        List<JsonNode> before = new ArrayList<>();
        boolean markerSeen = false;
        for (int i = newestFirst.size() - 1; i >= 0 && !markerSeen; i--) {
            String product = newestFirst.get(i).path("productId").asText();
            markerSeen = product.equals(marker);
            if (product.equals(id)) {
                before.add(newestFirst.get(i));
            }
        }
        assertThat(markerSeen).as("the marker's event in the stream").isTrue();
        return before;
    }
}
