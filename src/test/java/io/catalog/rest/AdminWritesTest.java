package io.catalog.rest;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.assertProblem;
import static io.catalog.testing.TestCatalog.createUnique;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.priceBody;
import static io.catalog.testing.TestCatalog.productBody;
import static io.catalog.testing.TestCatalog.put;
import static io.catalog.testing.TestCatalog.read;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.testing.AdminTokens;
import io.catalog.testing.TestCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * API.md section 4: admin writes, their answers, conditional writes and the all-or-nothing batch. One class for the
 * section (longer than 250 lines): the contract is read side by side with it.
 */
@QuarkusTest
class AdminWritesTest {

    @Inject
    MeterRegistry registry;

    private static void assertNoStore(Response response) {
        assertThat(response.header("Cache-Control")).as("Cache-Control of a %s admin answer", response.statusCode())
                .isNotNull().contains("no-store");
    }

    private static Response batch(String body) {
        return admin().contentType("application/json").body(body).post("/admin/prices/batch");
    }

    private static String batchBody(List<String[]> updates) {
        StringBuilder body = new StringBuilder("{\"updates\":[");
        for (int i = 0; i < updates.size(); i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"id\":\"").append(updates.get(i)[0]).append("\",\"price\":").append(updates.get(i)[1]).append('}');
        }
        return body.append("]}").toString();
    }

    private static void assertUnchanged(String id, String price, long version) {
        JsonNode product = read(id);
        assertThat(product.path("price").decimalValue()).as("price of %s", id).isEqualByComparingTo(price);
        assertThat(product.path("version").asLong()).as("version of %s", id).isEqualTo(version);
    }

    // ---- PUT / PATCH / DELETE --------------------------------------------------------------------------------

    @Test
    void putCreatesThenReplaces() {
        String id = uniqueId("put");
        String category = uniqueCategory("put");
        Response created = put(admin(), id, productBody("First", category, "10.5"));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.contentType()).startsWith("application/json");
        assertNoStore(created);
        assertThat(created.header("ETag")).isNotNull();
        JsonNode first = json(created.asString());
        assertThat(first.path("id").asText()).isEqualTo(id);
        assertThat(first.path("name").asText()).isEqualTo("First");
        assertThat(first.path("category").asText()).isEqualTo(category);
        assertThat(created.asString()).containsPattern("\"price\"\\s*:\\s*10\\.50\\s*[,}]");
        assertThat(first.path("currency").asText()).isEqualTo("USD");
        assertThat(first.path("version").asLong()).isEqualTo(1);
        assertThat(first.path("updatedAt").asText()).endsWith("Z");

        String otherCategory = uniqueCategory("put2");
        Response replaced = put(admin(), id, productBody("Second", otherCategory, "11"));
        assertThat(replaced.statusCode()).isEqualTo(200);
        assertNoStore(replaced);
        JsonNode second = json(replaced.asString());
        assertThat(second.path("id").asText()).isEqualTo(id);
        assertThat(second.path("name").asText()).isEqualTo("Second");
        assertThat(second.path("category").asText()).isEqualTo(otherCategory);
        assertThat(second.path("price").decimalValue()).isEqualByComparingTo("11.00");
        assertThat(replaced.asString()).containsPattern("\"price\"\\s*:\\s*11\\.00\\s*[,}]");
        assertThat(second.path("version").asLong()).isEqualTo(2);

        // the public read shows the replacement at once, with the ETag the write answered
        Response publicRead = anyone().get("/products/{id}", id);
        assertThat(json(publicRead.asString())).isEqualTo(second);
        assertThat(publicRead.header("ETag")).isEqualTo(replaced.header("ETag"));
    }

    @Test
    void putIgnoresReadOnlyFields() {
        String id = uniqueId("ro");
        String category = uniqueCategory("ro");
        Response created = put(admin(), id, "{\"id\":\"other\",\"name\":\"N\",\"category\":\"" + category
                + "\",\"price\":2.00,\"currency\":\"EUR\",\"version\":99,\"updatedAt\":\"2000-01-01T00:00:00Z\"}");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        JsonNode product = json(created.asString());
        assertThat(product.path("id").asText()).isEqualTo(id);
        assertThat(product.path("currency").asText()).isEqualTo("USD");
        assertThat(product.path("version").asLong()).isEqualTo(1);
    }

    @Test
    void patchChangesThePrice() {
        String id = createUnique("patch", uniqueCategory("patch"), "19.99");
        Response response = patchPrice(id, "17.5");
        assertThat(response.statusCode()).isEqualTo(200);
        assertNoStore(response);
        JsonNode product = json(response.asString());
        assertThat(product.path("id").asText()).isEqualTo(id);
        assertThat(product.path("version").asLong()).isEqualTo(2);
        assertThat(response.asString()).containsPattern("\"price\"\\s*:\\s*17\\.50\\s*[,}]");
        assertThat(read(id).path("price").decimalValue()).isEqualByComparingTo("17.50");
        assertThat(read(id).path("version").asLong()).isEqualTo(2);
    }

    @Test
    void patchOfUnknownProductIs404() {
        Response response = patchPrice(uniqueId("nope"), "1.00");
        assertProblem(response, 404);
        assertNoStore(response);
    }

    @Test
    void deleteAnswers204ThenTheProductIsGone() {
        String id = createUnique("del", uniqueCategory("del"), "3.00");
        assertThat(anyone().get("/products/{id}", id).statusCode()).isEqualTo(200);

        Response deleted = admin().delete("/admin/products/{id}", id);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.asString()).isEmpty();
        assertNoStore(deleted);

        assertProblem(anyone().get("/products/{id}", id), 404);
        Response again = admin().delete("/admin/products/{id}", id);
        assertProblem(again, 404);
        assertNoStore(again);
        assertProblem(patchPrice(id, "4.00"), 404);
    }

    @Test
    void putRecreatesADeletedProduct() {
        String category = uniqueCategory("recreate");
        String id = createUnique("rec", category, "3.00");
        assertThat(admin().delete("/admin/products/{id}", id).statusCode()).isEqualTo(204);
        Response recreated = put(admin(), id, productBody("Again", category, "4.00"));
        assertThat(recreated.statusCode()).as("a deleted product is created anew").isEqualTo(201);
        assertThat(read(id).path("price").decimalValue()).isEqualByComparingTo("4.00");
    }

    // ---- If-Match --------------------------------------------------------------------------------------------

    @Test
    void ifMatchWithCurrentETagSucceedsAndStaleETagIs412() {
        String id = createUnique("ifm", uniqueCategory("ifm"), "5.00");
        String etag = anyone().get("/products/{id}", id).header("ETag");

        Response ok = admin().header("If-Match", etag).contentType("application/json").body(priceBody("6.00"))
                .patch("/admin/products/{id}/price", id);
        assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(200);
        String newEtag = ok.header("ETag");
        assertThat(newEtag).isNotEqualTo(etag);

        Response stale = admin().header("If-Match", etag).contentType("application/json").body(priceBody("7.00"))
                .patch("/admin/products/{id}/price", id);
        assertProblem(stale, 412);
        assertNoStore(stale);
        assertUnchanged(id, "6.00", 2);

        Response stalePut = admin().header("If-Match", etag).contentType("application/json")
                .body(productBody("X", uniqueCategory("x"), "8.00")).put("/admin/products/{id}", id);
        assertProblem(stalePut, 412);
        assertUnchanged(id, "6.00", 2);

        Response staleDelete = admin().header("If-Match", etag).delete("/admin/products/{id}", id);
        assertProblem(staleDelete, 412);
        assertUnchanged(id, "6.00", 2);

        String current = anyone().get("/products/{id}", id).header("ETag");
        assertThat(current).isEqualTo(newEtag);
        Response putOk = admin().header("If-Match", current).contentType("application/json")
                .body(productBody("Y", uniqueCategory("y"), "9.00")).put("/admin/products/{id}", id);
        assertThat(putOk.statusCode()).as(putOk.asString()).isEqualTo(200);
        Response deleteOk = admin().header("If-Match", putOk.header("ETag")).delete("/admin/products/{id}", id);
        assertThat(deleteOk.statusCode()).isEqualTo(204);
    }

    @Test
    void aWeakIfMatchNeverMatchesEvenTheCurrentTag() {
        String id = createUnique("weak", uniqueCategory("weak"), "5.00");
        String etag = anyone().get("/products/{id}", id).header("ETag");

        Response weak = admin().header("If-Match", "W/" + etag).contentType("application/json").body(priceBody("6.00"))
                .patch("/admin/products/{id}/price", id);
        assertProblem(weak, 412);
        assertUnchanged(id, "5.00", 1);

        Response listed = admin().header("If-Match", "\"other\", " + etag).contentType("application/json")
                .body(priceBody("6.00")).patch("/admin/products/{id}/price", id);
        assertThat(listed.statusCode()).as("the current tag in a list").isEqualTo(200);
    }

    // ---- batch -----------------------------------------------------------------------------------------------

    @Test
    void batchAnswersPerItemStatusAndVersion() {
        String category = uniqueCategory("batch");
        String a = createUnique("a", category, "1.00");
        String b = createUnique("b", category, "2.00");
        assertThat(patchPrice(b, "2.50").statusCode()).isEqualTo(200); // b is at version 2
        String missing = uniqueId("missing");

        Response response = batch(batchBody(List.of(new String[] { a, "1.10" }, new String[] { missing, "3.00" },
                new String[] { b, "2.60" })));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertNoStore(response);
        JsonNode results = json(response.asString()).path("results");
        assertThat(results.size()).isEqualTo(3);
        List<String> ids = new ArrayList<>();
        for (JsonNode result : results) {
            String id = result.path("id").asText();
            ids.add(id);
            if (id.equals(a)) {
                assertThat(result.path("status").asInt()).isEqualTo(200);
                assertThat(result.path("version").asLong()).isEqualTo(2);
            } else if (id.equals(b)) {
                assertThat(result.path("status").asInt()).isEqualTo(200);
                assertThat(result.path("version").asLong()).isEqualTo(3);
            } else {
                assertThat(result.path("status").asInt()).isEqualTo(404);
            }
        }
        assertThat(ids).containsExactlyInAnyOrder(a, b, missing);
        assertUnchanged(a, "1.10", 2);
        assertUnchanged(b, "2.60", 3);
        assertProblem(anyone().get("/products/{id}", missing), 404);
    }

    @Test
    void batchOf1001IsRejectedAndChangesNothing() {
        String id = createUnique("big", uniqueCategory("big"), "1.00");
        List<String[]> updates = new ArrayList<>();
        updates.add(new String[] { id, "9.99" });
        for (int i = 1; i < 1001; i++) {
            updates.add(new String[] { "none-" + i + "-" + TestCatalog.suffix(), "1.00" });
        }
        Response response = batch(batchBody(updates));
        assertProblem(response, 400);
        assertNoStore(response);
        assertUnchanged(id, "1.00", 1);
    }

    @Test
    void batchOf1000IsAccepted() {
        String id = createUnique("k", uniqueCategory("thousand"), "1.00");
        List<String[]> updates = new ArrayList<>();
        updates.add(new String[] { id, "1.01" });
        for (int i = 1; i < 1000; i++) {
            updates.add(new String[] { "none-" + i + "-" + TestCatalog.suffix(), "1.00" });
        }
        Response response = batch(batchBody(updates));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(json(response.asString()).path("results").size()).isEqualTo(1000);
        assertUnchanged(id, "1.01", 2);
    }

    /**
     * Read-your-writes on the writing pod for a batch: once it is acknowledged, this pod answers every new price at
     * once, from L1 (where the old ones were), whatever its own feed has applied by then; read newest-first, the
     * entries the feed applies last.
     */
    @Test
    void theWritingPodServesABatchAsSoonAsItIsAcknowledged() {
        String category = uniqueCategory("ryw");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            ids.add(createUnique("ryw", category, "1.00"));
        }
        ids.forEach(TestCatalog::read);
        ids.forEach(TestCatalog::read); // the second read of each is an L1 hit: the old price is in L1
        List<String[]> updates = ids.stream().map(id -> new String[] { id, "2.00" }).toList();
        Response response = batch(batchBody(updates));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        List<String> stale = new ArrayList<>();
        for (int i = ids.size() - 1; i >= 0; i--) {
            JsonNode product = read(ids.get(i));
            if (product.path("price").decimalValue().compareTo(new BigDecimal("2.00")) != 0) {
                stale.add(ids.get(i) + " at " + product.path("price"));
            }
        }
        assertThat(stale).as("products answered at their old price after the batch was acknowledged").isEmpty();
    }

    @Test
    void batchWithOneBadItemIsRejectedAndChangesNothing() {
        String category = uniqueCategory("badbatch");
        String a = createUnique("a", category, "1.00");
        String b = createUnique("b", category, "2.00");
        String c = createUnique("c", category, "3.00");
        for (String bad : List.of("2.345", "0", "-1", "1000000.01", "\"2.50\"", "null")) {
            Response response = batch(batchBody(List.of(new String[] { a, "1.50" }, new String[] { b, bad },
                    new String[] { c, "3.50" })));
            assertNoStore(response);
            assertThat(response.statusCode()).as("item price %s: %s", bad, response.asString()).isEqualTo(400);
            assertUnchanged(a, "1.00", 1);
            assertUnchanged(b, "2.00", 1);
            assertUnchanged(c, "3.00", 1);
        }
        Response badId = batch(batchBody(List.of(new String[] { a, "1.50" }, new String[] { "bad!id", "2.50" })));
        assertProblem(badId, 400);
        assertUnchanged(a, "1.00", 1);
    }

    @Test
    void batchWithDuplicateIdsIsRejected() {
        String category = uniqueCategory("dupbatch");
        String a = createUnique("a", category, "1.00");
        String b = createUnique("b", category, "2.00");
        Response response = batch(batchBody(List.of(new String[] { a, "1.50" }, new String[] { b, "2.50" },
                new String[] { a, "1.75" })));
        assertProblem(response, 400);
        assertUnchanged(a, "1.00", 1);
        assertUnchanged(b, "2.00", 1);
    }

    static final List<String> MALFORMED_BATCHES = List.of("{\"updates\":[]}", "{}", "{\"updates\":null}",
            "{\"updates\":{}}", "{\"updates\":[null]}", "{\"updates\":[{\"id\":\"x\"}]}",
            "{\"updates\":[{\"id\":\"x\",\"price\":1.00,\"extra\":1}]}", "[]", "{\"updates\":[1]}",
            "{\"updates\":[{\"id\":5,\"price\":1.00}]}", "{\"updates\":[{\"id\":\"x\",\"price\":1.00}],\"dryRun\":true}");

    @Test
    void malformedBatchesAre400() {
        for (String body : MALFORMED_BATCHES) {
            Response response = batch(body);
            assertThat(response.statusCode()).as("batch %s: %s", body, response.asString()).isEqualTo(400);
            assertNoStore(response);
        }
        // the ones whose JSON types are right answer proper problems
        assertProblem(batch("{\"updates\":[]}"), 400);
        assertProblem(batch("{\"updates\":null}"), 400);
        assertProblem(batch("{\"updates\":[null]}"), 400);
        assertProblem(batch("{\"updates\":[{\"id\":\"x\"}]}"), 400);
    }

    // ---- authentication and authorisation --------------------------------------------------------------------

    @Test
    void withoutTokenIs401Problem() {
        String id = createUnique("auth", uniqueCategory("auth"), "1.00");
        List<Response> answers = List.of(
                anyone().contentType("application/json").body(productBody("N", "c", "1.00")).put("/admin/products/{id}", id),
                anyone().contentType("application/json").body(priceBody("2.00")).patch("/admin/products/{id}/price", id),
                anyone().delete("/admin/products/{id}", id),
                anyone().contentType("application/json").body("{\"updates\":[{\"id\":\"" + id + "\",\"price\":2.00}]}")
                        .post("/admin/prices/batch"));
        for (Response response : answers) {
            assertProblem(response, 401);
            assertNoStore(response);
        }
        assertUnchanged(id, "1.00", 1);
    }

    @Test
    void tokenWithoutTheGroupIs403Problem() {
        String id = createUnique("grp", uniqueCategory("grp"), "1.00");
        Response response = anyone().auth().oauth2(AdminTokens.withoutAdminGroup()).contentType("application/json")
                .body(priceBody("2.00")).patch("/admin/products/{id}/price", id);
        assertProblem(response, 403);
        assertNoStore(response);
        Response delete = anyone().auth().oauth2(AdminTokens.withoutAdminGroup()).delete("/admin/products/{id}", id);
        assertProblem(delete, 403);
        assertUnchanged(id, "1.00", 1);
    }

    /**
     * A token is verified once and recognised on the next requests ({@code VerifiedTokens}, in front of the JWT
     * parser): the second write with the same token reuses the verification, and a refused token stays refused.
     */
    @Test
    void aTokenIsVerifiedOnceAndRecognisedAfter() {
        String id = createUnique("tok", uniqueCategory("tok"), "1.00");
        String token = AdminTokens.admin();
        double reused = tokens("reused");
        double verified = tokens("verified");
        for (String price : List.of("2.00", "3.00")) {
            Response response = anyone().auth().oauth2(token).contentType("application/json").body(priceBody(price))
                    .patch("/admin/products/{id}/price", id);
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        }
        assertThat(tokens("verified") - verified).as("verified once").isEqualTo(1);
        assertThat(tokens("reused") - reused).as("recognised the second time").isEqualTo(1);
        Response refused = anyone().auth().oauth2(AdminTokens.wronglySigned()).contentType("application/json")
                .body(priceBody("4.00")).patch("/admin/products/{id}/price", id);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(read(id).path("price").decimalValue()).isEqualByComparingTo("3.00");
    }

    private double tokens(String result) {
        return registry.counter("catalog.admin.tokens", "result", result).count();
    }

    @Test
    void invalidTokensAre401() {
        String id = createUnique("tok", uniqueCategory("tok"), "1.00");
        for (String token : List.of(AdminTokens.expired(), AdminTokens.wronglySigned(),
                AdminTokens.wrongIssuer(), "not-a-jwt", "a.b.c")) {
            Response response = anyone().auth().oauth2(token).contentType("application/json").body(priceBody("2.00"))
                    .patch("/admin/products/{id}/price", id);
            assertThat(response.statusCode()).as("token %s: %s", token, response.asString()).isEqualTo(401);
            assertProblem(response, 401);
            assertNoStore(response);
        }
        assertUnchanged(id, "1.00", 1);
    }

    // ---- validation ------------------------------------------------------------------------------------------

    /** PUT bodies that API.md rejects with 400: bad JSON, wrong JSON types, bad fields, unknown fields. */
    static List<String> badProductBodies(String category) {
        return List.of(
                "{\"name\":\"N\",\"category\":\"" + category + "\",\"price\":", // bad JSON
                "not json at all",
                "{\"name\":\"N\",\"category\":\"" + category + "\",\"price\":\"12.34\"}", // price as a string
                "{\"name\":123,\"category\":\"" + category + "\",\"price\":12.34}", // name as a number
                "{\"name\":\"N\",\"category\":\"" + category + "\",\"price\":12.345}", // 3 fraction digits
                "{\"name\":\"N\",\"category\":\"" + category + "\",\"price\":0}",
                "{\"name\":\"N\",\"category\":\"" + category + "\",\"price\":-1}",
                "{\"name\":\"N\",\"category\":\"" + category + "\",\"price\":1000000.01}",
                "{\"name\":\"N\",\"category\":\"" + category + "\",\"price\":12.34,\"color\":\"red\"}", // unknown field
                "{\"name\":\"N\",\"category\":\"" + category + "\"}", // missing price
                "{\"category\":\"" + category + "\",\"price\":1.00}", // missing name
                "{\"name\":\"\",\"category\":\"" + category + "\",\"price\":1.00}", // empty name
                "{\"name\":\"" + "n".repeat(201) + "\",\"category\":\"" + category + "\",\"price\":1.00}",
                "{\"name\":\"N\",\"category\":\"Upper_Case\",\"price\":1.00}",
                "{\"name\":\"N\",\"category\":\"" + "c".repeat(65) + "\",\"price\":1.00}",
                "{\"name\":\"N\",\"category\":\"" + category + "\",\"price\":true}",
                "{\"name\":\"N\",\"category\":\"" + category + "\",\"price\":null}",
                "{\"name\":\"N\",\"category\":\"" + category + "\",\"price\":1.00}{}", // trailing content
                "[]",
                "");
    }

    @Test
    void badBodiesAre400AndChangeNothing() {
        String category = uniqueCategory("valid");
        String id = createUnique("v", category, "1.00");
        for (String body : badProductBodies(category)) {
            Response response = put(admin(), id, body);
            assertThat(response.statusCode()).as("PUT body %s: %s", body, response.asString()).isEqualTo(400);
            assertNoStore(response);
        }
        assertUnchanged(id, "1.00", 1);
        assertThat(read(id).path("name").asText()).isEqualTo("Product " + id);
        assertThat(read(id).path("category").asText()).isEqualTo(category);
    }

    static final List<String> BAD_PRICES = List.of("\"12.34\"", "12.345", "0", "0.00", "-1", "1000000.01", "1e9",
            "true", "null", "[1]", "{}");

    @Test
    void badPricesInPatchAre400AndChangeNothing() {
        String id = createUnique("pp", uniqueCategory("pp"), "1.00");
        for (String price : BAD_PRICES) {
            Response response = admin().contentType("application/json").body(priceBody(price))
                    .patch("/admin/products/{id}/price", id);
            assertThat(response.statusCode()).as("price %s: %s", price, response.asString()).isEqualTo(400);
            assertNoStore(response);
        }
        for (String body : List.of("{\"price\":1.00,\"x\":1}", "{}", "")) {
            Response response = admin().contentType("application/json").body(body)
                    .patch("/admin/products/{id}/price", id);
            assertThat(response.statusCode()).as("PATCH body %s: %s", body, response.asString()).isEqualTo(400);
        }
        assertUnchanged(id, "1.00", 1);
    }

    /**
     * API.md section 7: every 4xx is application/problem+json. The service answers requests whose JSON has a field
     * of the wrong type or an unknown field with Quarkus REST's built-in
     * {@code BuiltinMismatchedInputExceptionMapper} body ({@code application/json},
     * {@code {"objectName","attributeName","line","column","value"}}), and a top-level array or trailing content with
     * an empty 400: the service's own {@code JsonProcessingException} mapper loses to the more specific built-in
     * {@code MismatchedInputException} mapper.
     */
    @Test
    void wrongJsonTypesAndUnknownFieldsAnswerProblemJson() {
        String category = uniqueCategory("shape");
        String id = createUnique("shape", category, "1.00");
        Map<String, Response> answers = new LinkedHashMap<>();
        for (String body : badProductBodies(category)) {
            answers.put("PUT " + body, put(admin(), id, body));
        }
        for (String price : BAD_PRICES) {
            answers.put("PATCH price " + price, admin().contentType("application/json").body(priceBody(price))
                    .patch("/admin/products/{id}/price", id));
        }
        answers.put("PATCH unknown field", admin().contentType("application/json").body("{\"price\":1.00,\"x\":1}")
                .patch("/admin/products/{id}/price", id));
        for (String body : MALFORMED_BATCHES) {
            answers.put("batch " + body, batch(body));
        }
        answers.put("batch item price as string", batch(batchBody(List.<String[]> of(new String[] { id, "\"2.50\"" }))));
        TestCatalog.assertAllProblems(answers, 400);
        assertUnchanged(id, "1.00", 1);
    }

    @Test
    void priceBoundsAreInclusive() {
        String category = uniqueCategory("bounds");
        Response max = put(admin(), uniqueId("max"), productBody("Max", category, "1000000"));
        assertThat(max.statusCode()).as(max.asString()).isEqualTo(201);
        assertThat(max.asString()).containsPattern("\"price\"\\s*:\\s*1000000\\.00\\s*[,}]");
        Response min = put(admin(), uniqueId("min"), productBody("Min", category, "0.01"));
        assertThat(min.statusCode()).as(min.asString()).isEqualTo(201);
        assertThat(min.asString()).containsPattern("\"price\"\\s*:\\s*0\\.01\\s*[,}]");
        // trailing zeros beyond two digits are still an exact two-digit price
        Response zeros = put(admin(), uniqueId("zeros"), productBody("Zeros", category, "2.500"));
        assertThat(zeros.statusCode()).as(zeros.asString()).isEqualTo(201);
        assertThat(zeros.asString()).containsPattern("\"price\"\\s*:\\s*2\\.50\\s*[,}]");
    }

    @Test
    void badIdsInAdminPathsAre400() {
        String category = uniqueCategory("badid");
        assertProblem(put(admin(), "bad!id", productBody("N", category, "1.00")), 400);
        assertProblem(put(admin(), "x".repeat(65), productBody("N", category, "1.00")), 400);
        assertProblem(admin().contentType("application/json").body(priceBody("1.00"))
                .patch("/admin/products/{id}/price", "bad!id"), 400);
        assertProblem(admin().delete("/admin/products/{id}", "bad!id"), 400);
        assertProblem(anyone().get("/categories/{c}/summary", category), 404);
    }

    @Test
    void wrongContentTypeIs415Problem() {
        String id = createUnique("ct", uniqueCategory("ct"), "1.00");
        Response response = admin().contentType("text/plain").body(priceBody("2.00"))
                .patch("/admin/products/{id}/price", id);
        assertProblem(response, 415);
        assertNoStore(response);
        Response put = admin().contentType("text/plain").body(productBody("N", uniqueCategory("c"), "2.00"))
                .put("/admin/products/{id}", id);
        assertProblem(put, 415);
        Response batch = admin().contentType("application/xml").body("<updates/>").post("/admin/prices/batch");
        assertProblem(batch, 415);
        assertUnchanged(id, "1.00", 1);
    }
}
