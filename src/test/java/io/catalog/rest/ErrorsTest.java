package io.catalog.rest;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.assertNoStackTrace;
import static io.catalog.testing.TestCatalog.assertProblem;
import static io.catalog.testing.TestCatalog.createUnique;
import static io.catalog.testing.TestCatalog.read;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.catalog.testing.AdminTokens;
import io.catalog.testing.TestCatalog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** API.md section 7: every error is a problem document, never a stack trace. */
@QuarkusTest
class ErrorsTest {

    /** A JSON body a little over 1 MiB (a long name). */
    static String oversizedProductBody(String category) {
        return TestCatalog.productBody("n".repeat(1024 * 1024 + 16), category, "1.00");
    }

    @Test
    void unknownPathIs404Problem() {
        assertProblem(anyone().get("/no-such-thing"), 404);
        assertProblem(anyone().get("/products/a/b/c"), 404);
        assertProblem(anyone().get("/admin/nothing-here"), 404);
    }

    @Test
    void wrongMethodIs405Problem() {
        assertProblem(anyone().delete("/products/x"), 405);
        assertProblem(anyone().post("/categories/c/summary"), 405);
        assertProblem(anyone().get("/checkout/quote"), 405);
    }

    @Test
    void oversizedBodyIs413AndChangesNothing() {
        String category = uniqueCategory("big");
        String id = createUnique("big", category, "1.00");
        Response response = admin().contentType("application/json").body(oversizedProductBody(category))
                .put("/admin/products/{id}", id);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(read(id).path("name").asText()).isEqualTo("Product " + id);
        assertThat(read(id).path("version").asLong()).isEqualTo(1);
    }

    @Test
    void wrongMethodNamesTheAllowedMethods() {
        Response response = anyone().delete("/products/x");
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.header("Allow")).contains("GET");
        Response price = admin().contentType("application/json").body("{}").put("/admin/products/x/price");
        assertThat(price.statusCode()).isEqualTo(405);
        assertThat(price.header("Allow")).isEqualTo("PATCH, OPTIONS");
    }

    @Test
    void oversizedBodyIs413Problem() {
        String category = uniqueCategory("bigp");
        String id = createUnique("bigp", category, "1.00");
        assertProblem(admin().contentType("application/json").body(oversizedProductBody(category))
                .put("/admin/products/{id}", id), 413);
        StringBuilder quote = new StringBuilder("{\"items\":[");
        while (quote.length() < 1024 * 1024 + 100) {
            quote.append("{\"id\":\"").append(id).append("\",\"quantity\":1},");
        }
        quote.append("{\"id\":\"").append(id).append("\",\"quantity\":1}]}");
        assertProblem(anyone().contentType("application/json").body(quote.toString()).post("/checkout/quote"), 413);
    }

    /** A body over 1 MiB sent chunked, without a Content-Length the service could check up front. */
    @Test
    @org.junit.jupiter.api.Tag("chunked")
    void oversizedChunkedBodyIs413Problem() throws Exception {
        String category = uniqueCategory("chunk");
        String id = createUnique("chunk", category, "1.00");
        byte[] body = oversizedProductBody(category).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.net.http.HttpRequest request = java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port
                        + "/admin/products/" + id))
                .header("Authorization", "Bearer " + AdminTokens.admin())
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers
                        .ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build();
        java.net.http.HttpResponse<String> response;
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        try {
            response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError("the service dropped the connection instead of answering 413: " + e, e);
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).as(response.body())
                .startsWith(TestCatalog.PROBLEM_JSON);
        assertNoStackTrace(response.body());
        assertThat(read(id).path("version").asLong()).isEqualTo(1);
    }

    /** A body sent where none is taken is never buffered: a GET whose chunked body never ends is answered at once. */
    @Test
    void aBodyOnAGetIsNeverAwaited() throws Exception {
        String answer = TestCatalog.rawExchange(io.restassured.RestAssured.port,
                "GET /products/" + uniqueId("none") + " HTTP/1.1\r\nHost: localhost\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
                java.time.Duration.ofSeconds(5));
        // answered at once, as a request without a body (here 415: a body without a Content-Type); before, the body
        // was buffered first, and an unfinished one got no answer at all
        assertThat(answer).as("the answer to a GET with an unfinished chunked body").startsWith("HTTP/1.1 4")
                .contains("application/problem+json");
    }

    @Test
    void unsupportedMediaTypeIs415Problem() {
        assertProblem(anyone().contentType("text/plain").body("{\"items\":[]}").post("/checkout/quote"), 415);
    }

    @Test
    void unauthorizedIsProblemWithChallenge() {
        Response response = anyone().delete("/admin/products/{id}", "whatever");
        assertProblem(response, 401);
    }

    @Test
    void malformedRequestsNeverLeakStackTraces() {
        String category = uniqueCategory("fuzz");
        String id = createUnique("fuzz", category, "1.00");
        Map<String, Supplier<Response>> requests = new LinkedHashMap<>();
        requests.put("PUT truncated JSON", () -> admin().contentType("application/json").body("{\"name\":")
                .put("/admin/products/{id}", id));
        requests.put("PUT array", () -> admin().contentType("application/json").body("[1,2,3]")
                .put("/admin/products/{id}", id));
        requests.put("PUT price string", () -> admin().contentType("application/json")
                .body("{\"name\":\"n\",\"category\":\"c\",\"price\":\"abc\"}").put("/admin/products/{id}", id));
        requests.put("PUT huge number", () -> admin().contentType("application/json")
                .body("{\"name\":\"n\",\"category\":\"c\",\"price\":1e400000}").put("/admin/products/{id}", id));
        requests.put("PUT deep nesting", () -> admin().contentType("application/json")
                .body("[".repeat(5000) + "]".repeat(5000)).put("/admin/products/{id}", id));
        requests.put("PATCH binary", () -> admin().contentType("application/json").body(new byte[] { 0, 1, 2, -1, -2 })
                .patch("/admin/products/{id}/price", id));
        requests.put("PATCH price object", () -> admin().contentType("application/json").body("{\"price\":{\"a\":1}}")
                .patch("/admin/products/{id}/price", id));
        requests.put("batch nested nulls", () -> admin().contentType("application/json")
                .body("{\"updates\":[{\"id\":null,\"price\":null}]}").post("/admin/prices/batch"));
        requests.put("batch string", () -> admin().contentType("application/json").body("\"updates\"")
                .post("/admin/prices/batch"));
        requests.put("quote items string", () -> anyone().contentType("application/json").body("{\"items\":\"x\"}")
                .post("/checkout/quote"));
        requests.put("quote huge quantity", () -> anyone().contentType("application/json")
                .body("{\"items\":[{\"id\":\"" + id + "\",\"quantity\":99999999999999999999}]}").post("/checkout/quote"));
        requests.put("quote empty body", () -> anyone().contentType("application/json").body("")
                .post("/checkout/quote"));
        requests.put("GET cursor garbage", () -> anyone().queryParam("category", category)
                .queryParam("cursor", "!!!.???").get("/products"));
        requests.put("GET limit huge", () -> anyone().queryParam("limit", "99999999999999999999").get("/products"));
        requests.put("GET id with dots", () -> anyone().get("/products/{id}", "..%2F..%2Fetc"));
        requests.put("GET summary bad", () -> anyone().get("/categories/{c}/summary", "%00"));
        requests.put("garbage bearer", () -> anyone().header("Authorization", "Bearer \u00ff\u00fe")
                .delete("/admin/products/{id}", id));
        requests.put("basic auth", () -> anyone().header("Authorization", "Basic Zm9vOmJhcg==")
                .delete("/admin/products/{id}", id));
        requests.put("Accept xml", () -> anyone().accept("application/xml").get("/products/{id}", id));
        requests.put("If-Match garbage", () -> admin().header("If-Match", "\u0001garbage").delete("/admin/products/{id}",
                "nobody-here"));

        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Supplier<Response>> request : requests.entrySet()) {
            Response response = request.getValue().get();
            String body = response.asString();
            if (response.statusCode() >= 500) {
                wrong.add(request.getKey() + " -> " + response.statusCode() + " " + body);
            }
            try {
                assertNoStackTrace(body);
            } catch (AssertionError e) {
                wrong.add(request.getKey() + " leaks: " + body);
            }
        }
        assertThat(wrong).as("requests answered with a server error or a stack trace").isEmpty();
        // and none of them changed the product
        assertThat(read(id).path("version").asLong()).isEqualTo(1);
    }
}
