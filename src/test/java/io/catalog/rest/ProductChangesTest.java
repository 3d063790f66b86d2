package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.assertProblem;
import static io.catalog.testing.TestCatalog.awaitEvents;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.config.CatalogConfig;
import io.catalog.testing.LocalStackResource;
import io.catalog.testing.SseClient;
import io.catalog.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** API.md section 3, live changes: {@code GET /events/products}. */
@QuarkusTest
class ProductChangesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URL base;
    @Inject
    CatalogConfig config;

    private SseClient open(String query, Map<String, String> headers) {
        return SseClient.open(URI.create(base.toString().replaceAll("/$", "") + "/events/products" + query), headers);
    }

    private static long sequence(Response write) {
        return Long.parseLong(write.header("X-Cache-Version"));
    }

    @Test
    void aChangeArrivesOnAnOpenStreamWithItsSequenceAsId() {
        String category = uniqueCategory("live");
        String id = uniqueId("live");
        create(id, category, "10.00");
        try (SseClient stream = open("?ids=" + id, Map.of())) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
            assertThat(stream.header("Cache-Control")).isEqualTo("no-store");
            Response patched = patchPrice(id, "12.50");
            assertThat(patched.statusCode()).isEqualTo(200);

            SseClient.Event event = stream.await(e -> e.data() != null && e.data().contains("12.5"), WAIT);
            assertThat(event.name()).isEqualTo("product");
            assertThat(event.id()).isEqualTo(Long.toString(sequence(patched)));
            JsonNode data = json(event.data());
            assertThat(data.fieldNames()).toIterable().containsExactly("id", "category", "price", "currency",
                    "version", "sequence", "deleted");
            assertThat(data.path("id").asText()).isEqualTo(id);
            assertThat(data.path("category").asText()).isEqualTo(category);
            assertThat(data.path("price").decimalValue()).isEqualByComparingTo("12.50");
            assertThat(data.path("price").isNumber()).isTrue();
            assertThat(data.path("currency").asText()).isEqualTo("USD");
            assertThat(data.path("version").asLong()).isEqualTo(2);
            assertThat(data.path("sequence").asLong()).isEqualTo(sequence(patched));
            assertThat(data.path("deleted").asBoolean()).isFalse();
        }
    }

    @Test
    void filtersByCategoryAndByIds() {
        String category = uniqueCategory("filter");
        String mine = uniqueId("mine");
        String other = uniqueId("other");
        create(mine, category, "1.00");
        create(other, uniqueCategory("elsewhere"), "2.00");
        try (SseClient byCategory = open("?category=" + category, Map.of());
                SseClient byIds = open("?ids=" + other + "," + mine, Map.of())) {
            patchPrice(other, "2.50");
            patchPrice(mine, "1.50");
            assertThat(json(byCategory.await(e -> "product".equals(e.name()), WAIT).data()).path("id").asText())
                    .as("the other category's change (made first) is not on the category's stream").isEqualTo(mine);
            List<String> ids = new ArrayList<>();
            ids.add(json(byIds.await(e -> "product".equals(e.name()), WAIT).data()).path("id").asText());
            ids.add(json(byIds.await(e -> "product".equals(e.name()), WAIT).data()).path("id").asText());
            assertThat(ids).containsExactlyInAnyOrder(mine, other);
        }
    }

    @Test
    void lastEventIdReplaysWhatChangedBeforeTheStreamOpened() {
        String id = uniqueId("resume");
        long rendered = sequence(create(id, uniqueCategory("resume"), "5.00"));
        long first = sequence(patchPrice(id, "6.00"));
        long second = sequence(patchPrice(id, "7.00"));
        awaitEvents(id, 3);

        try (SseClient stream = open("?ids=" + id, Map.of("Last-Event-ID", Long.toString(rendered)))) {
            assertThat(stream.await(e -> "product".equals(e.name()), WAIT).id()).isEqualTo(Long.toString(first));
            assertThat(stream.await(e -> "product".equals(e.name()), WAIT).id()).isEqualTo(Long.toString(second));
            // and live changes follow the replay
            long third = sequence(patchPrice(id, "8.00"));
            assertThat(stream.await(e -> "product".equals(e.name()), WAIT).id()).isEqualTo(Long.toString(third));
        }
        // the query parameter does the same for an EventSource's first connection
        try (SseClient stream = open("?ids=" + id + "&lastEventId=" + first, Map.of())) {
            assertThat(stream.await(e -> "product".equals(e.name()), WAIT).id()).isEqualTo(Long.toString(second));
        }
    }

    @Test
    void aClientWhosePositionWasTrimmedFromTheStreamIsToldToReset() {
        String id = uniqueId("trim");
        long old = sequence(create(id, uniqueCategory("trim"), "5.00"));
        patchPrice(id, "6.00");
        awaitEvents(id, 2);
        LocalStackResource.redis().command("XTRIM", TestCatalog.EVENTS_STREAM, "MAXLEN", "1");

        try (SseClient stream = open("?ids=" + id, Map.of("Last-Event-ID", Long.toString(old - 1)))) {
            SseClient.Event reset = stream.await(e -> !"product".equals(e.name()), WAIT);
            assertThat(reset.name()).isEqualTo("reset");
        }
    }

    @Test
    void badFiltersAreRefused() {
        String tooMany = IntStream.rangeClosed(0, ProductChangesResource.MAX_IDS).mapToObj(i -> "p" + i)
                .collect(Collectors.joining(","));
        assertProblem(anyone().queryParam("ids", tooMany).get("/events/products"), 400);
        assertProblem(anyone().queryParam("ids", "a,b!").get("/events/products"), 400);
        assertProblem(anyone().queryParam("ids", ",").get("/events/products"), 400);
        assertProblem(anyone().queryParam("category", "Bad Category").get("/events/products"), 400);
        assertProblem(anyone().queryParam("category", "c").queryParam("ids", "a").get("/events/products"), 400);
        assertProblem(anyone().header("Last-Event-ID", "yesterday").get("/events/products"), 400);
    }

    @Test
    void aClientMayHoldABoundedNumberOfStreams() {
        List<SseClient> streams = new ArrayList<>();
        try {
            for (int i = 0; i < config.live().maxStreamsPerClient(); i++) {
                SseClient stream = open("", Map.of());
                assertThat(stream.status()).isEqualTo(200);
                streams.add(stream);
            }
            Response refused = anyone().get("/events/products");
            assertProblem(refused, 429);
            assertThat(refused.header("Retry-After")).isNotBlank();

            streams.remove(0).close();
            TestCatalog.await(() -> {
                try (SseClient again = open("", Map.of())) {
                    return again.status() == 200 ? true : null;
                }
            }, "a slot freed by a closed stream");
        } finally {
            streams.forEach(SseClient::close);
        }
    }
}
