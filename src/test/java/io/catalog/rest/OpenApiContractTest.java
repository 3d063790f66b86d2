package io.catalog.rest;

import static io.catalog.testing.TestCatalog.admin;
import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.productBody;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.catalog.rest.OpenApiContract.Operation;
import io.catalog.testing.AdminTokens;
import io.catalog.testing.TestCatalog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The committed contract ({@code META-INF/openapi.yaml}) against the running service, both ways: every documented
 * operation answers its example request with a documented 2xx and its documented headers, and its bad requests
 * (no token, a token without the group, a bad id or category, a bad body, an undocumented method) with a documented
 * status and problem {@code type}; operations marked {@code x-planned} are not served yet; every resource method
 * and every route the service has is documented; and {@code /q/openapi} serves the contract itself.
 */
@QuarkusTest
class OpenApiContractTest {

    private static final OpenApiContract CONTRACT = OpenApiContract.load();
    /** The example product and category of the contract, replaced by this test's own. */
    private static final String EXAMPLE_ID = "sku-00042";
    private static final String EXAMPLE_CATEGORY = "office";

    private final String id = uniqueId("contract");
    private final String category = uniqueCategory("contract");
    private final ContractAssertions check = new ContractAssertions(CONTRACT);

    @TestFactory
    Stream<DynamicTest> everyDocumentedOperationAnswersAsDocumented() {
        return CONTRACT.operations().stream().map(op -> DynamicTest.dynamicTest(op.toString(), () -> {
            seed();
            if (op.planned()) {
                check.notServedYet(op, send(op, request(op), expand(op.path(), id, category)));
                return;
            }
            if (op.node().has("x-streaming")) {
                streamOpens(op, expand(op.path(), id, category));
                return;
            }
            Response example = send(op, request(op), expand(op.path(), id, category));
            check.documented(op, example);
            if (!op.node().has("x-lab-only")) {
                assertThat(example.statusCode()).as("%s with its example (a success or a redirect): %s", op,
                        example.asString()).isBetween(200, 399);
            }
            badRequests(op);
        }));
    }

    /**
     * A stream never ends, so its answer is read only as far as its status and headers: a documented status, the
     * documented media type and {@code Cache-Control: no-store}.
     */
    private static void streamOpens(Operation op, String path) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest request = java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port + path))
                .header("Accept", "text/event-stream").timeout(java.time.Duration.ofSeconds(10)).GET().build();
        java.net.http.HttpResponse<java.io.InputStream> response = client.send(request,
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream body = response.body()) {
            assertThat(op.statuses()).as("documented statuses of %s", op)
                    .contains(Integer.toString(response.statusCode()));
            assertThat(response.statusCode()).as("%s", op).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).as("%s", op)
                    .startsWith("text/event-stream");
            assertThat(response.headers().firstValue("Cache-Control").orElse("")).as("%s", op).contains("no-store");
        }
    }

    /** The bad requests every operation of its kind can be sent, each answered as documented. */
    private void badRequests(Operation op) {
        String path = expand(op.path(), id, category);
        if (op.secured()) {
            check.documented(op, send(op, request(op, anyone()), path), 401);
            check.documented(op, send(op, request(op, anyone().auth().oauth2(AdminTokens.withoutAdminGroup())), path), 403);
        }
        if (op.path().contains("{id}")) {
            check.documented(op, send(op, request(op), expand(op.path(), "bad!id", category)), 400);
        }
        if (op.path().contains("{category}")) {
            check.documented(op, send(op, request(op), expand(op.path(), id, "Bad_Category")), 400);
        }
        if (CONTRACT.requestExample(op) != null) {
            check.documented(op, body(op, "application/json", "{}").request(op.method(), path), 400);
            check.documented(op, body(op, "application/json", "{\"price\":").request(op.method(), path), 400);
            check.documented(op, body(op, "text/plain", "price=1").request(op.method(), path), 415);
        }
    }

    @TestFactory
    Stream<DynamicTest> anUndocumentedMethodIsTheDocumented405() {
        Set<String> paths = CONTRACT.operations().stream().filter(op -> !op.planned() && !op.path().startsWith("/q/"))
                .map(Operation::path).collect(Collectors.toCollection(LinkedHashSet::new));
        return paths.stream().map(path -> DynamicTest.dynamicTest(path, () -> {
            Set<String> documented = CONTRACT.methods(path);
            String other = Stream.of("DELETE", "PUT", "POST", "PATCH", "GET").filter(m -> !documented.contains(m))
                    .findFirst().orElseThrow();
            Response response = admin().contentType("application/json").body("{}")
                    .request(other, expand(path, id, category));
            Set<String> allowed = new TreeSet<>(documented);
            allowed.add("OPTIONS");
            if (documented.contains("GET")) {
                allowed.add("HEAD");
            }
            check.shared("MethodNotAllowed", other + " " + path, response, 405);
            assertThat(new TreeSet<>(Arrays.asList(response.header("Allow").split(",\\s*"))))
                    .as("Allow of %s %s", other, path).isEqualTo(allowed);
        }));
    }

    @Test
    void anUnknownPathIsTheDocumentedNotFound() {
        check.shared("NotFound", "GET /no-such-thing", anyone().get("/no-such-thing"), 404);
        check.shared("NotFound", "GET /admin/nothing-here", admin().get("/admin/nothing-here"), 404);
    }

    @Test
    void everyResourceMethodIsDocumented() {
        Set<String> documented = CONTRACT.operations().stream()
                .map(op -> op.method().toUpperCase() + " " + normalize(op.path())).collect(Collectors.toSet());
        List<String> resources = resourceMethods();
        assertThat(resources).as("resource methods found").isNotEmpty();
        assertThat(resources).as("resource methods the contract does not document").isSubsetOf(documented);
    }

    /**
     * Every route of the HTTP router that has a path is documented (a prefix route {@code /p*} by {@code /p}),
     * except the one behind which the JAX-RS resources sit (checked method by method above) and the health UI,
     * which Quarkus serves in dev and test only.
     */
    @Test
    void everyRouteTheServiceServesIsDocumented() {
        Set<String> documented = CONTRACT.operations().stream().map(op -> normalize(op.path()))
                .collect(Collectors.toSet());
        Set<String> notDocumented = Set.of("/", "/*", "/q/health-ui", "/q/health-ui*");
        List<String> routes = ServedRoutes.paths();
        assertThat(routes).as("routes found").contains("/q/health/ready", "/q/openapi");
        assertThat(routes.stream().filter(path -> !notDocumented.contains(path))
                .filter(path -> !documented.contains(normalize(path.replaceAll("\\*$", "")))))
                .as("routes the contract does not document").isEmpty();
    }

    @Test
    void theServedDocumentIsTheContract() {
        JsonNode served = TestCatalog.json(anyone().queryParam("format", "json").get("/q/openapi").asString());
        assertThat(operationsAndStatuses(served)).isEqualTo(operationsAndStatuses(CONTRACT.root()));
        assertThat(fieldNames(served.path("components").path("schemas")))
                .isEqualTo(fieldNames(CONTRACT.root().path("components").path("schemas")));
        assertThat(served.path("info").path("title").asText())
                .isEqualTo(CONTRACT.root().path("info").path("title").asText());
    }

    // ---- requests --------------------------------------------------------------------------------------------

    /** The contract's example product, re-created before each operation (an earlier one may have deleted it). */
    private void seed() {
        Response put = admin().contentType("application/json").body(productBody("Desk lamp", category, "39.90"))
                .put("/admin/products/{id}", id);
        assertThat(put.statusCode()).as("seeding %s: %s", id, put.asString()).isIn(200, 201);
    }

    /** The operation's example request: its token, query parameters and body, on this test's product. */
    private RequestSpecification request(Operation op) {
        return request(op, op.secured() ? admin() : anyone());
    }

    private RequestSpecification request(Operation op, RequestSpecification request) {
        for (JsonNode parameter : CONTRACT.parameters(op, "query")) {
            if (parameter.has("example")) {
                request.queryParam(parameter.get("name").asText(), substitute(parameter.get("example").asText()));
            }
        }
        String body = CONTRACT.requestExample(op);
        return body == null ? request : request.contentType("application/json").body(substitute(body));
    }

    private RequestSpecification body(Operation op, String contentType, String body) {
        return (op.secured() ? admin() : anyone()).contentType(contentType).body(body);
    }

    private static Response send(Operation op, RequestSpecification request, String path) {
        return request.redirects().follow(false).request(op.method(), path);
    }

    private String substitute(String text) {
        return text.replace(EXAMPLE_ID, id).replace(EXAMPLE_CATEGORY, category);
    }

    private static String expand(String template, String id, String category) {
        return template.replace("{id}", id).replace("{category}", category);
    }

    // ---- the service's side ----------------------------------------------------------------------------------

    /** {@code METHOD /path} of every JAX-RS resource method of the service, path parameters as {@code {}}. */
    /**
     * Every JAX-RS resource method of the main classes, read by reflection (ArchUnit only lists the classes: it is
     * set not to resolve annotation types from the class path, see archunit.properties).
     */
    private static List<String> resourceMethods() {
        List<String> found = new ArrayList<>();
        for (JavaClass type : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.catalog")) {
            Class<?> resource = type.reflect();
            Path classPath = resource.getAnnotation(Path.class);
            String base = classPath == null ? "" : classPath.value();
            for (java.lang.reflect.Method method : resource.getDeclaredMethods()) {
                for (java.lang.annotation.Annotation annotation : method.getAnnotations()) {
                    HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
                    if (http != null) {
                        Path sub = method.getAnnotation(Path.class);
                        found.add(http.value() + " " + normalize(base + "/" + (sub == null ? "" : sub.value())));
                    }
                }
            }
        }
        return found;
    }

    /** {@code /products/{id}/} and {@code products//{productId}} are both {@code /products/{}} (as in JAX-RS). */
    static String normalize(String path) {
        // JAX-RS templates ({id}) and Vert.x route parameters (:id, the L1 fast path's route) alike
        String joined = ("/" + path).replaceAll("/+", "/").replaceAll("\\{[^}]*}", "{}").replaceAll("/:[^/]+", "/{}");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    private static Set<String> operationsAndStatuses(JsonNode document) {
        Set<String> result = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (OpenApiContract.METHODS.contains(op.getKey())) {
                op.getValue().path("responses").fieldNames()
                        .forEachRemaining(status -> result.add(op.getKey() + " " + path.getKey() + " " + status));
            }
        }));
        return result;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
