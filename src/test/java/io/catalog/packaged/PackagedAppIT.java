package io.catalog.packaged;

import static io.catalog.testing.TestCatalog.uniqueId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import io.catalog.testing.AdminTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;

/**
 * The packaged application, as shipped: the fast-jar in {@code ./mvnw verify}, the native executable with
 * {@code ./mvnw verify -Pnative} (which needs GraalVM/Mandrel or Docker). It exercises what native images most
 * often break: JSON (de)serialization of records, Lua over Redis, the DynamoDB client, JWT verification.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = PackagedAppResource.class, restrictToAnnotatedClass = true)
class PackagedAppIT {

    private static final JsonPathConfig EXACT = new JsonPathConfig(JsonPathConfig.NumberReturnType.BIG_DECIMAL);

    @Test
    void writesReadsAndQuotesAProduct() throws Exception {
        String id = uniqueId("it");
        given().auth().oauth2(AdminTokens.admin()).contentType("application/json")
                .body("{\"name\":\"Lamp\",\"category\":\"office\",\"price\":39.90}")
                .put("/admin/products/" + id)
                .then().statusCode(201).body("version", equalTo(1));

        Response read = given().get("/products/" + id).then().statusCode(200)
                .header("ETag", notNullValue())
                .header("X-Cache-Version", notNullValue())
                .extract().response();
        assertThat(exact(read, "price")).isEqualTo(new BigDecimal("39.90"));
        given().header("If-None-Match", read.header("ETag")).get("/products/" + id).then().statusCode(304);

        Response quote = given().contentType("application/json")
                .body("{\"items\":[{\"id\":\"" + id + "\",\"quantity\":3,\"expectedPrice\":39.90}]}")
                .post("/checkout/quote")
                .then().statusCode(200).extract().response();
        assertThat(exact(quote, "total")).isEqualTo(new BigDecimal("119.70"));
    }

    /** A number of the body exactly as written (scale included: 39.90, not 39.9 nor a float near it). */
    private static BigDecimal exact(Response response, String path) {
        return new BigDecimal(response.jsonPath(EXACT).get(path).toString());
    }

    @Test
    void errorsAreProblemDocuments() {
        given().get("/products/" + uniqueId("nope"))
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
        given().contentType("application/json").body("{\"price\":\"12.34\"}").patch("/admin/products/x/price")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void isReadyWithItsDataStoreOnTheManagementPortOnly() {
        given().port(PackagedAppResource.managementPort()).get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"));
        given().port(PackagedAppResource.managementPort()).get("/q/metrics").then().statusCode(200);
        // production serves /q/* on the management interface only: nothing of it on the public port
        for (String path : new String[] { "/q/health/ready", "/q/metrics", "/q/openapi", "/q/swagger-ui/" }) {
            given().get(path).then().statusCode(404);
        }
    }
}
