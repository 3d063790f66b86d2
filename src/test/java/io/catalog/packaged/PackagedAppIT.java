package io.catalog.packaged;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The packaged application, as shipped: the fast-jar in {@code ./mvnw verify}, the native executable with
 * {@code ./mvnw verify -Pnative} (which needs GraalVM/Mandrel or Docker). It exercises what native images most
 * often break: JSON (de)serialization of records, Lua over Redis, the DynamoDB client, JWT verification.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(PackagedAppResource.class)
class PackagedAppIT {

    private static String token() throws Exception {
        return Jwt.issuer("https://catalog.example.com/dev").audience("catalog-service").subject("it")
                .groups(Set.of("catalog-admin"))
                .expiresIn(Duration.ofMinutes(10))
                .sign(KeyUtils.decodePrivateKey(Files.readString(Path.of("dev/jwt/privateKey.pem"))));
    }

    @Test
    void writesReadsAndQuotesAProduct() throws Exception {
        String id = "it-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(token()).contentType("application/json")
                .body("{\"name\":\"Lamp\",\"category\":\"office\",\"price\":39.90}")
                .put("/admin/products/" + id)
                .then().statusCode(201).body("version", equalTo(1));

        String etag = given().get("/products/" + id)
                .then().statusCode(200)
                .header("ETag", notNullValue())
                .header("X-Cache-Version", notNullValue())
                .body("price", equalTo(39.90f))
                .extract().header("ETag");
        given().header("If-None-Match", etag).get("/products/" + id).then().statusCode(304);

        given().contentType("application/json")
                .body("{\"items\":[{\"id\":\"" + id + "\",\"quantity\":3,\"expectedPrice\":39.90}]}")
                .post("/checkout/quote")
                .then().statusCode(200).body("total", equalTo(119.70f));
    }

    @Test
    void errorsAreProblemDocuments() {
        given().get("/products/nope-" + UUID.randomUUID())
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
        given().contentType("application/json").body("{\"price\":\"12.34\"}").patch("/admin/products/x/price")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void isReadyWithItsDataStore() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
