package io.catalog.events;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.catalog.testing.LocalStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/** The feed against a real Redis stream that also holds entries this version cannot fully understand. */
@QuarkusTest
@QuarkusTestResource(value = LocalStackResource.class, restrictToAnnotatedClass = false)
@TestProfile(FeedConsumerTest.OwnStream.class)
class FeedConsumerTest {

    static final String STREAM = "catalog:events:feed-test";

    /** A stream of this test's own, so that the entries it writes do not reach the other tests' readers. */
    public static class OwnStream implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("catalog.events.stream", STREAM);
        }
    }

    private static String token() throws Exception {
        return Jwt.issuer("https://catalog.example.com/dev").audience("catalog-service").subject("feed-test")
                .groups(java.util.Set.of("catalog-admin"))
                .sign(KeyUtils
                        .decodePrivateKey(java.nio.file.Files.readString(java.nio.file.Path.of("dev/jwt/privateKey.pem"))));
    }

    private static String tier(String id) {
        return given().get("/products/{id}", id).then().statusCode(200).extract().header("X-Cache");
    }

    private static void awaitTier(String id, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!expected.equals(tier(id))) {
            assertThat(System.nanoTime()).as("%s never answered from %s", id, expected).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aBadEntryDoesNotStopTheFeedAndEventsWithUnknownFieldsStillInvalidate() throws Exception {
        String id = "feed-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(token()).contentType("application/json")
                .body("{\"name\":\"Kettle\",\"category\":\"kitchen\",\"price\":20.00}")
                .put("/admin/products/" + id).then().statusCode(201);
        awaitTier(id, "L1");
        long sequence = Long.parseLong(given().get("/products/{id}", id).header("X-Cache-Version"));

        LocalStackResource.redis().command("XADD", STREAM, "*", "event", "{not json");
        String future = "{\"type\":\"ProductUpdated\",\"productId\":\"" + id + "\",\"category\":\"kitchen\","
                + "\"version\":9,\"sequence\":" + (sequence + 1_000_000) + ",\"price\":21.00,\"previousPrice\":20.00,"
                + "\"deleted\":false,\"occurredAt\":\"2026-11-26T10:00:00Z\",\"fieldOfANewerVersion\":{\"x\":1}}";
        LocalStackResource.redis().command("XADD", STREAM, "*", "event", future);

        // the event was applied: the L1 entry is older than it, so the product is no longer answered from L1
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while ("L1".equals(tier(id))) {
            assertThat(System.nanoTime()).as("the event with an unknown field was not applied").isLessThan(deadline);
            Thread.sleep(20);
        }
        // and the feed goes on: another product is answered from L1 again
        String other = "feed-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(token()).contentType("application/json")
                .body("{\"name\":\"Pot\",\"category\":\"kitchen\",\"price\":5.00}")
                .put("/admin/products/" + other).then().statusCode(201);
        awaitTier(other, "L1");
    }
}
