package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.assertProblem;
import static io.catalog.testing.TestCatalog.createUnique;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.testing.TestCatalog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** API.md section 6: POST /checkout/quote. */
@QuarkusTest
class CheckoutQuoteTest {

    static Response quote(String body) {
        return anyone().contentType("application/json").body(body).post("/checkout/quote");
    }

    static String item(String id, String quantity, String expectedPrice) {
        return "{\"id\":\"" + id + "\",\"quantity\":" + quantity
                + (expectedPrice == null ? "" : ",\"expectedPrice\":" + expectedPrice) + "}";
    }

    static String items(String... items) {
        return "{\"items\":[" + String.join(",", items) + "]}";
    }

    private static void assertNoStore(Response response) {
        assertThat(response.header("Cache-Control")).as("Cache-Control of a %s checkout answer", response.statusCode())
                .isNotNull().contains("no-store");
    }

    @Test
    void quotesExactTotals() {
        String category = uniqueCategory("quote");
        String a = createUnique("a", category, "19.99");
        String dime = createUnique("dime", category, "0.10");
        String twenty = createUnique("twenty", category, "0.20");

        Response response = quote(items(item(a, "3", "19.99"), item(dime, "3", "0.10"), item(twenty, "1", null)));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        assertNoStore(response);
        String body = response.asString();
        JsonNode quote = json(body);
        assertThat(quote.path("currency").asText()).isEqualTo("USD");
        JsonNode lines = quote.path("items");
        assertThat(lines.size()).isEqualTo(3);

        JsonNode first = lines.get(0);
        assertThat(first.path("id").asText()).isEqualTo(a);
        assertThat(first.path("quantity").asInt()).isEqualTo(3);
        assertThat(first.path("unitPrice").decimalValue()).isEqualByComparingTo("19.99");
        assertThat(first.path("lineTotal").decimalValue()).isEqualByComparingTo("59.97");
        assertThat(body).containsPattern("\"lineTotal\"\\s*:\\s*59\\.97\\s*[,}]");

        JsonNode second = lines.get(1);
        assertThat(second.path("id").asText()).isEqualTo(dime);
        assertThat(second.path("lineTotal").decimalValue()).isEqualByComparingTo("0.30");
        assertThat(lines.get(2).path("lineTotal").decimalValue()).isEqualByComparingTo("0.20");

        // 59.97 + 0.30 + 0.20 = 60.47 exactly (binary doubles give 60.470000000000006)
        assertThat(quote.path("total").decimalValue()).isEqualByComparingTo("60.47");
        assertThat(body).containsPattern("\"total\"\\s*:\\s*60\\.47\\s*[,}]");
    }

    @Test
    void floatUnfriendlyTotalIsExact() {
        String category = uniqueCategory("float");
        String dime = createUnique("dime", category, "0.10");
        String twenty = createUnique("twenty", category, "0.20");
        Response response = quote(items(item(dime, "3", "0.10"), item(twenty, "1", "0.20")));
        assertThat(response.statusCode()).isEqualTo(200);
        // 0.1 * 3 + 0.2 in doubles is 0.5000000000000001
        assertThat(response.asString()).containsPattern("\"total\"\\s*:\\s*0\\.50\\s*[,}]");
        assertThat(response.asString()).containsPattern("\"lineTotal\"\\s*:\\s*0\\.30\\s*[,}]");
    }

    @Test
    void differingExpectedPriceIs409WithCurrentPrices() {
        String category = uniqueCategory("conflict");
        String a = createUnique("a", category, "5.00");
        String b = createUnique("b", category, "7.25");
        Response response = quote(items(item(a, "1", "5.00"), item(b, "2", "7.00")));
        JsonNode problem = assertProblem(response, 409);
        assertNoStore(response);
        JsonNode current = problem.path("currentPrices");
        assertThat(current.isObject()).as("currentPrices in %s", response.asString()).isTrue();
        assertThat(current.path(b).decimalValue()).isEqualByComparingTo("7.25");
        if (current.has(a)) {
            assertThat(current.path(a).decimalValue()).isEqualByComparingTo("5.00");
        }
    }

    @Test
    void unknownIdIs404() {
        String a = createUnique("a", uniqueCategory("unknown"), "5.00");
        Response response = quote(items(item(a, "1", "5.00"), item(uniqueId("ghost"), "1", null)));
        assertProblem(response, 404);
        assertNoStore(response);
    }

    /** Requests that API.md rejects with 400, by what is wrong with them. */
    static Map<String, Response> badRequests(String a) {
        Map<String, Response> answers = new LinkedHashMap<>();
        for (String quantity : List.of("0", "1001", "1.5", "-1", "\"2\"", "null", "true")) {
            answers.put("quantity " + quantity, quote(items(item(a, quantity, null))));
        }
        answers.put("no quantity", quote(items("{\"id\":\"" + a + "\"}")));
        answers.put("expectedPrice 1.001", quote(items(item(a, "1", "1.001"))));
        answers.put("expectedPrice as string", quote(items(item(a, "1", "\"1.00\""))));
        answers.put("bad id", quote(items(item("bad!id", "1", null))));
        answers.put("empty items", quote("{\"items\":[]}"));
        answers.put("no items", quote("{}"));
        answers.put("unknown field", quote("{\"items\":[" + item(a, "1", null) + "],\"coupon\":\"X\"}"));
        String[] many = new String[101];
        for (int i = 0; i < many.length; i++) {
            many[i] = item(a, "1", null);
        }
        answers.put("101 items", quote(items(many)));
        answers.put("bad JSON", quote("{\"items\":["));
        return answers;
    }

    @Test
    void badQuantitiesAndItemCountsAre400() {
        String a = createUnique("a", uniqueCategory("badq"), "1.00");
        // the requests whose JSON types are right answer proper problems
        assertProblem(quote(items(item(a, "0", null))), 400);
        assertProblem(quote(items(item(a, "1001", null))), 400);
        assertProblem(quote("{\"items\":[]}"), 400);
        assertProblem(quote(items(item(a, "1", "1.001"))), 400);
        for (Map.Entry<String, Response> answer : badRequests(a).entrySet()) {
            assertThat(answer.getValue().statusCode()).as("%s: %s", answer.getKey(), answer.getValue().asString())
                    .isEqualTo(400);
            assertNoStore(answer.getValue());
        }
    }

    /** See AdminWritesTest#wrongJsonTypesAndUnknownFieldsAnswerProblemJson: the same mapper problem. */
    @Test
    void badQuantitiesAndItemCountsAreProblems() {
        // the same requests as above, checked for the problem+json shape of API.md section 7
        String a = createUnique("a", uniqueCategory("badqp"), "1.00");
        TestCatalog.assertAllProblems(badRequests(a), 400);
    }

    @Test
    void hundredItemsAndThousandUnitsAreAccepted() {
        String a = createUnique("a", uniqueCategory("max"), "999999.99");
        String[] hundred = new String[100];
        for (int i = 0; i < hundred.length; i++) {
            hundred[i] = item(a, "1000", null);
        }
        Response response = quote(items(hundred));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        JsonNode quote = json(response.asString());
        assertThat(quote.path("items").size()).isEqualTo(100);
        assertThat(quote.path("items").get(0).path("lineTotal").decimalValue()).isEqualByComparingTo("999999990.00");
        // 100 * 1000 * 999999.99 = 99,999,999,000.00: far beyond a double's exact cents
        assertThat(quote.path("total").decimalValue()).isEqualByComparingTo("99999999000.00");
        assertThat(response.asString()).containsPattern("\"total\"\\s*:\\s*99999999000\\.00\\s*[,}]");
    }

    @Test
    void quoteReflectsAPriceChangeImmediately() {
        String a = createUnique("a", uniqueCategory("fresh"), "8.00");
        // warm every cache tier with the old price
        for (int i = 0; i < 3; i++) {
            anyone().get("/products/{id}", a);
        }
        Response before = quote(items(item(a, "2", "8.00")));
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(json(before.asString()).path("total").decimalValue()).isEqualByComparingTo("16.00");

        assertThat(patchPrice(a, "9.00").statusCode()).isEqualTo(200);

        Response stale = quote(items(item(a, "2", "8.00")));
        JsonNode problem = assertProblem(stale, 409);
        assertThat(problem.path("currentPrices").path(a).decimalValue()).isEqualByComparingTo("9.00");
        Response fresh = quote(items(item(a, "2", null)));
        assertThat(fresh.statusCode()).isEqualTo(200);
        JsonNode quote = json(fresh.asString());
        assertThat(quote.path("items").get(0).path("unitPrice").decimalValue()).isEqualByComparingTo("9.00");
        assertThat(quote.path("total").decimalValue()).isEqualByComparingTo("18.00");
    }

    @Test
    void deletedProductIs404InAQuote() {
        String a = createUnique("a", uniqueCategory("delq"), "8.00");
        assertThat(quote(items(item(a, "1", null))).statusCode()).isEqualTo(200);
        assertThat(TestCatalog.admin().delete("/admin/products/{id}", a).statusCode()).isEqualTo(204);
        assertProblem(quote(items(item(a, "1", null))), 404);
    }
}
