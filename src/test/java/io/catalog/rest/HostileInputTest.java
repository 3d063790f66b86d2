package io.catalog.rest;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.assertProblem;
import static io.catalog.testing.TestCatalog.createUnique;
import static io.catalog.testing.TestCatalog.json;
import static io.catalog.testing.TestCatalog.priceBody;
import static io.catalog.testing.TestCatalog.productBody;
import static io.catalog.testing.TestCatalog.read;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.testing.AdminTokens;
import io.catalog.testing.TestCatalog;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Issue 11's bad input and tokens: a body that does not say it is JSON (415), a JSON object that names a key twice
 * (400), tokens for another audience or issued too long ago (401). None of them changes anything.
 */
@QuarkusTest
class HostileInputTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TestHTTPResource("/")
    URL base;

    /** A request with a body and no Content-Type header at all (rest-assured always sends one). */
    private HttpResponse<String> withoutContentType(String method, String path, String body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.request().headers().firstValue("Content-Type")).isEmpty();
        return response;
    }

    private static void assertProblem415(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("status; body %s", response.body()).isEqualTo(415);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith(TestCatalog.PROBLEM_JSON));
        JsonNode problem = json(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(415);
        TestCatalog.assertNoStackTrace(response.body());
    }

    @Test
    void aPutWithoutContentTypeIs415AndCreatesNothing() throws Exception {
        String id = uniqueId("noct");
        String body = productBody("No type", uniqueCategory("noct"), "5.00");
        assertProblem415(withoutContentType("PUT", "/admin/products/" + id, body, AdminTokens.admin()));
        assertProblem(anyone().get("/products/{id}", id), 404);
    }

    @Test
    void bodiesWithoutContentTypeAre415AndChangeNothing() throws Exception {
        String id = createUnique("noct", uniqueCategory("noct"), "1.00");
        assertProblem415(withoutContentType("PUT", "/admin/products/" + id,
                productBody("Renamed", uniqueCategory("noct"), "2.00"), AdminTokens.admin()));
        assertProblem415(withoutContentType("PATCH", "/admin/products/" + id + "/price", priceBody("3.00"),
                AdminTokens.admin()));
        assertProblem415(withoutContentType("POST", "/admin/prices/batch",
                "{\"updates\":[{\"id\":\"" + id + "\",\"price\":4.00}]}", AdminTokens.admin()));
        assertProblem415(withoutContentType("POST", "/checkout/quote",
                "{\"items\":[{\"id\":\"" + id + "\",\"quantity\":1}]}", null));
        assertUnchanged(id, "1.00");
    }

    @Test
    void requestsWithoutABodyNeedNoContentType() {
        String id = createUnique("nobody", uniqueCategory("nobody"), "1.00");
        assertThat(admin().delete("/admin/products/{id}", id).statusCode()).isEqualTo(204);
    }

    @Test
    void duplicatedKeysAre400AndChangeNothing() {
        String category = uniqueCategory("dup");
        String id = createUnique("dup", category, "1.00");
        List<String> patches = List.of("{\"price\":2.00,\"price\":\"abc\"}", "{\"price\":2.00,\"price\":3.00}");
        for (String body : patches) {
            JsonNode problem = assertProblem(admin().contentType("application/json").body(body)
                    .patch("/admin/products/{id}/price", id), 400);
            assertThat(problem.path("detail").asText()).contains("more than once").contains("price");
        }
        assertProblem(admin().contentType("application/json")
                .body("{\"name\":\"a\",\"name\":\"b\",\"category\":\"" + category + "\",\"price\":2.00}")
                .put("/admin/products/{id}", id), 400);
        assertProblem(admin().contentType("application/json")
                .body("{\"updates\":[{\"id\":\"" + id + "\",\"id\":\"other\",\"price\":2.00}]}")
                .post("/admin/prices/batch"), 400);
        assertProblem(anyone().contentType("application/json")
                .body("{\"items\":[{\"id\":\"" + id + "\",\"quantity\":1,\"quantity\":2}]}").post("/checkout/quote"), 400);
        assertUnchanged(id, "1.00");
    }

    @Test
    void tokensForAnotherAudienceTooOldOrWithoutAudienceAre401() {
        String id = createUnique("aud", uniqueCategory("aud"), "1.00");
        for (String token : List.of(AdminTokens.otherAudience(), AdminTokens.issuedLongAgo(),
                AdminTokens.withoutAudience())) {
            Response response = anyone().auth().oauth2(token).contentType("application/json").body(priceBody("2.00"))
                    .patch("/admin/products/{id}/price", id);
            assertProblem(response, 401);
        }
        assertUnchanged(id, "1.00");
        // the same request with a fresh token for this audience goes through
        Response ok = anyone().auth().oauth2(AdminTokens.admin()).contentType("application/json")
                .body(priceBody("2.00")).patch("/admin/products/{id}/price", id);
        assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(200);
    }

    private static void assertUnchanged(String id, String price) {
        JsonNode product = read(id);
        assertThat(product.path("version").asLong()).isEqualTo(1);
        assertThat(product.path("price").decimalValue()).isEqualByComparingTo(price);
    }
}
