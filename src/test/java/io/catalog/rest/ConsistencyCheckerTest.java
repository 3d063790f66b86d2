package io.catalog.rest;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.cache.CacheCoherence;
import io.catalog.store.StoreClients;
import io.catalog.store.Tables;
import io.catalog.testing.LocalStackResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * The consistency checker against real Redis and dynalite: inconsistencies injected behind the service's back (a
 * console edit of the DynamoDB item, an L2 entry rewritten in Redis) are found, counted stale and repaired, long
 * before any TTL would have ended them (L1 30 s, L2 10 min).
 */
@QuarkusTest
@TestProfile(ConsistencyCheckerTest.CheckerOn.class)
class ConsistencyCheckerTest {

    public static class CheckerOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("catalog.consistency.enabled", "true", "catalog.consistency.rate", "50",
                    "catalog.consistency.delay", "300ms");
        }
    }

    @Inject
    StoreClients clients;
    @Inject
    Tables tables;
    @Inject
    CacheCoherence coherence;

    @Test
    void aConsoleEditOfTheStoreIsFoundAndRepairedInEveryTier() throws Exception {
        String id = uniqueId("console");
        create(id, uniqueCategory("console"), "10.00");
        warm(id);
        double staleL1 = metric("catalog_consistency_checks_total{result=\"stale\",tier=\"l1\"}");
        double staleL2 = metric("catalog_consistency_checks_total{result=\"stale\",tier=\"l2\"}");

        // what the DynamoDB console does: a PutItem of the edited item, version and sequence untouched
        Map<String, AttributeValue> key = Map.of(Tables.ID, AttributeValue.fromS(id));
        Map<String, AttributeValue> item = new HashMap<>(clients.direct().getItem(GetItemRequest.builder()
                .tableName(tables.products()).key(key).consistentRead(true).build()).get().item());
        item.put(Tables.PRICE, AttributeValue.fromN("99.99"));
        clients.direct().putItem(PutItemRequest.builder().tableName(tables.products()).item(item).build()).get();
        long sequenceBefore = Long.parseLong(item.get(Tables.SEQUENCE).n());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(metric("catalog_consistency_checks_total{result=\"stale\",tier=\"l1\"}")).isGreaterThan(staleL1);
            assertThat(metric("catalog_consistency_checks_total{result=\"stale\",tier=\"l2\"}")).isGreaterThan(staleL2);
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var read = anyone().get("/products/{id}", id);
            assertThat(json(read.asString()).path("price").decimalValue()).isEqualByComparingTo("99.99");
            assertThat(Long.parseLong(read.header("X-Cache-Version"))).isGreaterThan(sequenceBefore);
        });
        assertThat(metric("catalog_consistency_stale_age_seconds_count{tier=\"l1\"}")).isPositive();
        assertThat(metric("catalog_consistency_checks_total{result=\"consistent\",tier=\"all\"}")).isPositive();
    }

    @Test
    void aCorruptedL2EntryIsFoundAndReplaced() {
        String id = uniqueId("corrupt");
        create(id, uniqueCategory("corrupt"), "20.00");
        warm(id);
        double staleL2 = metric("catalog_consistency_checks_total{result=\"stale\",tier=\"l2\"}");
        String l2Key = l2Key(id);
        String entry = bulk(LocalStackResource.redis().command("GET", l2Key));
        assertThat(entry).contains("\"price\":20.00");
        // the same version, another price: nothing but a comparison of the bytes can tell
        LocalStackResource.redis().command("SET", l2Key, entry.replace("\"price\":20.00", "\"price\":0.01"), "EX",
                "600");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                metric("catalog_consistency_checks_total{result=\"stale\",tier=\"l2\"}")).isGreaterThan(staleL2));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode state = json(admin().get("/admin/cache/products/{id}", id).asString());
            assertThat(state.path("l2").path("sequence").asLong())
                    .isEqualTo(state.path("store").path("sequence").asLong());
            String repaired = LocalStackResource.redis().command("GET", l2Key);
            assertThat(repaired).doesNotContain("0.01");
        });
    }

    /** Reads {@code id} until L1 answers (L2 holds it too then), so that the checker's sample ring has it. */
    /**
     * The product in both tiers: a write puts its new version into this pod's L1 and a marker into L2, so L1 is
     * dropped first and the read that follows loads the document into L2 and L1.
     */
    private void warm(String id) {
        coherence.l1().flush();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "L1".equals(anyone().get("/products/{id}", id).header("X-Cache")));
    }

    private static String l2Key(String id) {
        String keys = LocalStackResource.redis().command("KEYS", "catalog:*p:" + id);
        assertThat(keys).as("L2 key of %s", id).isNotBlank();
        return keys.lines().map(String::trim).filter(line -> line.startsWith("catalog:")).findFirst().orElseThrow();
    }

    /** The value of a RESP bulk reply ({@code $<length>\r\n<value>\r\n}). */
    private static String bulk(String reply) {
        assertThat(reply).as("bulk reply").startsWith("$");
        return reply.substring(reply.indexOf("\r\n") + 2, reply.lastIndexOf("\r\n"));
    }

    private static double metric(String series) {
        for (String line : anyone().get("/q/metrics").asString().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }
}
