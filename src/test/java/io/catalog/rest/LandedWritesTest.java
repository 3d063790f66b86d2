package io.catalog.rest;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.eventsOf;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.priceBody;
import static io.catalog.testing.TestCatalog.productBody;
import static io.catalog.testing.TestCatalog.put;
import static io.catalog.testing.TestCatalog.read;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.testing.FaultyDynamo;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * A write that DynamoDB applied but whose answer was lost (an attempt that timed out, a 500 after the write): the
 * SDK sends the same conditional write again, and its condition now fails on the item this very write stored. The
 * writer must recognise its own write (the item holds the sequence this write took, which no other write has) and
 * answer it as stored, once: not write the change a second time, not answer 404 to a delete that deleted, not 412 to
 * an If-Match it met, not "updated" to a creation. Seen in the fault run: a DELETE answered 404 while dynalite
 * thawed, then every store read of the product answered 404 after an acknowledged write of it that the client had
 * been told came last. The proxy ({@link FaultyDynamo#loseAnswers}) lets dynalite apply the write and answers 500,
 * which the SDK retries.
 */
@Tag("slow")
@QuarkusTest
@TestProfile(CheckoutThrottlingTest.Throttling.class)
class LandedWritesTest {

    @Inject
    MeterRegistry registry;

    private double landedBefore;

    @BeforeEach
    void count() {
        landedBefore = landed();
    }

    private double landed() {
        return registry.counter("catalog.writes.landed").count();
    }

    /** The write's answer was lost once, and the writer recognised its own write once. */
    private void assertLandedOnce() {
        assertThat(proxy().lost()).as("the write's answer was lost, the SDK sent it again").isEqualTo(1);
        assertThat(landed() - landedBefore).as("catalog.writes.landed").isEqualTo(1.0);
    }

    private static FaultyDynamo proxy() {
        return CheckoutThrottlingTest.ProxiedStack.proxy;
    }

    @AfterEach
    void heal() {
        proxy().clear();
    }

    private static String held(String category, String price) {
        String id = uniqueId("landed");
        create(id, category, price);
        read(id); // this pod holds it: a write takes no read (one conditional UpdateItem)
        return id;
    }

    @Test
    void aPatchWhoseAnswerWasLostIsAnsweredOnceAtTheVersionItStored() {
        String id = held(uniqueCategory("landed"), "10.00");
        long version = read(id).path("version").asLong();
        proxy().loseAnswers("UpdateItem", id, 1);

        Response patched = patchPrice(id, "12.00");

        assertLandedOnce();
        assertThat(patched.statusCode()).as(patched.asString()).isEqualTo(200);
        assertThat(json(patched.asString()).path("version").asLong()).as("one change, one version")
                .isEqualTo(version + 1);
        assertThat(read(id).path("version").asLong()).isEqualTo(version + 1);
        assertThat(eventsOf(id).stream().filter(e -> e.path("version").asLong() > version).count())
                .as("one event for the change").isEqualTo(1);
    }

    @Test
    void aConditionalPatchWhoseAnswerWasLostMetItsCondition() {
        String id = held(uniqueCategory("landed"), "10.00");
        Response current = anyone().get("/products/{id}", id);
        proxy().loseAnswers("UpdateItem", id, 1);

        Response patched = admin().header("If-Match", current.header("ETag")).contentType("application/json")
                .body(priceBody("13.00")).patch("/admin/products/{id}/price", id);

        assertLandedOnce();
        assertThat(patched.statusCode()).as(patched.asString()).isEqualTo(200);
        assertThat(read(id).path("price").decimalValue()).isEqualByComparingTo("13.00");
    }

    @Test
    void aDeleteWhoseAnswerWasLostDeleted() {
        String id = held(uniqueCategory("landed"), "10.00");
        proxy().loseAnswers("UpdateItem", id, 1);

        Response deleted = admin().delete("/admin/products/{id}", id);

        assertLandedOnce();
        assertThat(deleted.statusCode()).as(deleted.asString()).isEqualTo(204);
        assertThat(anyone().get("/products/{id}", id).statusCode()).isEqualTo(404);
    }

    @Test
    void aCreationWhoseAnswerWasLostCreated() {
        String id = uniqueId("landed");
        proxy().loseAnswers("PutItem", id, 1);

        Response created = put(admin(), id, productBody("Landed", uniqueCategory("landed"), "10.00"));

        assertLandedOnce();
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        JsonNode product = read(id);
        assertThat(product.path("version").asLong()).as("created once").isEqualTo(1);
    }

    @Test
    void aBatchItemWhoseAnswerWasLostIsAnsweredOnceAtTheVersionItStored() {
        String category = uniqueCategory("landed");
        String lostId = held(category, "10.00");
        String other = held(category, "20.00");
        long version = read(lostId).path("version").asLong();
        proxy().loseAnswers("UpdateItem", lostId, 1);

        Response batch = admin().contentType("application/json")
                .body("{\"updates\":[{\"id\":\"" + lostId + "\",\"price\":11.00},{\"id\":\"" + other
                        + "\",\"price\":21.00}]}")
                .post("/admin/prices/batch");

        assertLandedOnce();
        assertThat(batch.statusCode()).as(batch.asString()).isEqualTo(200);
        JsonNode results = json(batch.asString()).path("results");
        assertThat(results.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(results.get(0).path("version").asLong()).as("one change, one version").isEqualTo(version + 1);
        assertThat(read(lostId).path("version").asLong()).isEqualTo(version + 1);
        assertThat(read(other).path("price").decimalValue()).isEqualByComparingTo("21.00");
    }
}
