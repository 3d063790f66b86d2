package io.catalog.edge;

import static io.catalog.testing.TestCatalog.createUnique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.catalog.testing.AdminTokens;
import io.catalog.testing.SseClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A live page through an edge that forwards what CloudFront's behaviours forward (issue 21): the stream a product
 * page opens, as {@code live.js} opens it, keeps its filter and resumes after the sequence the page was rendered at,
 * from the query string on the first connection and from {@code Last-Event-ID} on an EventSource's reconnection.
 * Under the default behaviour's rules (before the CDK gave {@code /events/*} its own) the filter and the resume
 * position were stripped: the page got every product's changes and missed those made before it connected.
 */
@Tag("slow")
@QuarkusTest
@QuarkusTestResource(value = CloudFrontLikeResource.class, restrictToAnnotatedClass = true)
class CloudFrontLiveTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final String CATEGORY = "cf-live";

    private static void price(String id, String price) {
        given().auth().oauth2(AdminTokens.admin()).contentType("application/json").body("{\"price\":" + price + "}")
                .patch("/admin/products/{id}/price", id).then().statusCode(200);
    }

    /** The sequence the product page of {@code id} was rendered at (its X-Cache-Version), as live.js reads it. */
    private static String renderedAt(String id) {
        return given().port(CloudFrontLikeResource.edge().port()).get("/products/{id}", id).then().statusCode(200)
                .extract().header("X-Cache-Version");
    }

    private static URI viaEdge(String pathAndQuery) {
        return URI.create(CloudFrontLikeResource.edge().url() + pathAndQuery);
    }

    @Test
    void aProductPagesStreamKeepsItsFilterThroughTheEdge() {
        String mine = createUnique("cf-live", CATEGORY, "1.00");
        String other = createUnique("cf-live", CATEGORY, "1.00");
        // what a page's query string may also carry (tracking parameters) is dropped at the edge, the filter is not
        try (SseClient stream = SseClient.open(viaEdge("/events/products?ids=" + mine + "&utm_source=mail"), Map.of())) {
            assertThat(stream.status()).isEqualTo(200);
            price(other, "2.00");
            price(mine, "3.00");
            SseClient.Event first = stream.await(e -> "product".equals(e.name()), WITHIN);
            assertThat(first.data()).as("the first change the page receives is its own product's")
                    .contains(mine).doesNotContain(other);
        }
    }

    @Test
    void aPageRenderedBeforeAChangeResumesFromItsSequenceFromTheQueryAndFromLastEventId() {
        String id = createUnique("cf-live", CATEGORY, "1.00");
        String sequence = renderedAt(id);
        price(id, "4.00"); // after the page was rendered, before its stream connects
        try (SseClient stream = SseClient.open(
                viaEdge("/events/products?ids=" + id + "&lastEventId=" + sequence), Map.of())) {
            assertThat(stream.await(e -> "product".equals(e.name()), WITHIN).data())
                    .as("the change made before the stream connected, replayed").contains(id).contains("4.0");
        }
        String after = renderedAt(id);
        price(id, "5.00");
        try (SseClient reconnected = SseClient.open(viaEdge("/events/products?ids=" + id),
                Map.of("Last-Event-ID", after))) {
            assertThat(reconnected.await(e -> "product".equals(e.name()), WITHIN).data())
                    .as("an EventSource's reconnection resumes from Last-Event-ID").contains(id).contains("5.0");
        }
    }
}
