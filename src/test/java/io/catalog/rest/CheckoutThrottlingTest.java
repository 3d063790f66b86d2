package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.assertProblem;
import static io.catalog.testing.TestCatalog.createUnique;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.catalog.testing.FaultyDynamo;
import io.catalog.testing.FaultyDynamo.Fault;
import io.catalog.testing.LocalStackResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Checkout under DynamoDB throttling, injected by a proxy in front of dynalite ({@link FaultyDynamo}): unprocessed
 * keys are asked again with backoff a bounded number of times; when they stay unprocessed, or the calls are
 * throttled, the quote answers 503 with {@code Retry-After}, never 500.
 */
@Tag("slow")
@QuarkusTest
@TestProfile(CheckoutThrottlingTest.Throttling.class)
class CheckoutThrottlingTest {

    static final int ATTEMPTS = 4;

    /** The service's DynamoDB endpoint is the faulty proxy. */
    public static class Throttling implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("catalog.dynamodb.batch-get-attempts", Integer.toString(ATTEMPTS));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ProxiedStack.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /** The local stack with {@link FaultyDynamo} between the service and dynalite. */
    public static class ProxiedStack extends LocalStackResource {
        static volatile FaultyDynamo proxy;

        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            proxy = FaultyDynamo.start(dynalite().endpoint());
            config.put("quarkus.dynamodb.endpoint-override", proxy.endpoint());
            return config;
        }

        @Override
        public void stop() {
            if (proxy != null) {
                proxy.close();
            }
            super.stop();
        }
    }

    @AfterEach
    void heal() {
        ProxiedStack.proxy.clear();
    }

    private static Response quote(String id) {
        return anyone().contentType("application/json")
                .body("{\"items\":[{\"id\":\"" + id + "\",\"quantity\":2}]}").post("/checkout/quote");
    }

    @Test
    void keysUnprocessedForAWhileAreAskedAgain() {
        String id = createUnique("unproc", uniqueCategory("unproc"), "3.00");
        ProxiedStack.proxy.inject(Fault.UNPROCESSED, ATTEMPTS - 1, id);
        Response response = quote(id);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getString("total")).isEqualTo("6.00");
        assertThat(ProxiedStack.proxy.batchGetsOf(id)).isEqualTo(ATTEMPTS);
    }

    @Test
    void keysThatStayUnprocessedAre503WithRetryAfterAfterBoundedAttempts() {
        String id = createUnique("unproc", uniqueCategory("unproc"), "3.00");
        ProxiedStack.proxy.inject(Fault.UNPROCESSED, Integer.MAX_VALUE, id);
        Response response = quote(id);
        assertProblem(response, 503);
        assertThat(response.header("Retry-After")).isNotBlank();
        assertThat(ProxiedStack.proxy.batchGetsOf(id)).isEqualTo(ATTEMPTS);
        ProxiedStack.proxy.clear();
        assertThat(quote(id).statusCode()).isEqualTo(200);
    }

    @Test
    void throttledBatchReadsAre503WithRetryAfter() {
        String id = createUnique("throttle", uniqueCategory("throttle"), "3.00");
        ProxiedStack.proxy.inject(Fault.THROTTLED, Integer.MAX_VALUE, id);
        Response response = quote(id);
        assertProblem(response, 503);
        assertThat(response.header("Retry-After")).isNotBlank();
        ProxiedStack.proxy.clear();
        assertThat(quote(id).statusCode()).isEqualTo(200);
    }
}
