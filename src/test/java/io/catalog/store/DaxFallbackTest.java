package io.catalog.store;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.catalog.cache.CacheCoherence;
import io.catalog.testing.FreePorts;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * DAX switched on by configuration, with no DAX cluster answering (none can run here): reads must fall back to
 * DynamoDB, and readiness must say DAX is down without making the pod unready. Real DAX was not exercised.
 */
@QuarkusTest
@TestProfile(DaxFallbackTest.DaxWithoutCluster.class)
class DaxFallbackTest {

    /** A DAX endpoint on a port nothing listens on. */
    public static class DaxWithoutCluster implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("catalog.dax.endpoint", "dax://127.0.0.1:" + FreePorts.find());
        }
    }

    @Inject
    CacheCoherence coherence;

    @Test
    void readsFallBackToDynamoDbAndReadinessReportsDaxDown() {
        // eventually consistent reads (the ones DAX serves) only once the feed vouches for them
        await().atMost(Duration.ofSeconds(10)).until(coherence::eventualReadsSafe);
        given().get("/products/no-such-product").then().statusCode(404);
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertThat(metrics).containsPattern("catalog_store_dax_fallbacks_total [1-9]");
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'dynamodb' }.data.dax", equalTo("down"));
    }
}
