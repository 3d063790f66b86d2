package io.catalog.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.rest.OpenApiContract.Operation;
import io.catalog.testing.TestCatalog;
import io.restassured.response.Response;

/**
 * Whether an answer is one the contract documents: its status, and then its problem {@code type} (errors), its
 * required headers (with their {@code const}, {@code enum} or {@code pattern}) and its body's required fields.
 */
final class ContractAssertions {

    private final OpenApiContract contract;

    ContractAssertions(OpenApiContract contract) {
        this.contract = contract;
    }

    /** The answer has a status the operation documents, and is what the contract says of that status. */
    void documented(Operation op, Response response) {
        String label = op + " -> " + response.statusCode() + " " + response.asString();
        assertThat(op.statuses()).as("documented statuses of %s", label)
                .contains(Integer.toString(response.statusCode()));
        conforms(label, contract.response(op, response.statusCode()), response);
    }

    /** The answer has the expected status, documented by the operation, and conforms to it. */
    void documented(Operation op, Response response, int expected) {
        assertThat(response.statusCode()).as("%s: %s", op, response.asString()).isEqualTo(expected);
        documented(op, response);
    }

    /** The answer is the shared response {@code name} ({@code components.responses}) with its status. */
    void shared(String name, String label, Response response, int status) {
        assertThat(response.statusCode()).as("%s: %s", label, response.asString()).isEqualTo(status);
        JsonNode documented = contract.sharedResponse(name);
        assertThat(documented.isMissingNode()).as("components.responses.%s", name).isFalse();
        conforms(label, documented, response);
    }

    /** An {@code x-planned} operation: the service must not serve it yet, or the mark must go. */
    void notServedYet(Operation op, Response response) {
        assertThat(response.statusCode())
                .as("%s is marked x-planned (%s) but is served now (%s): remove the mark from %s", op,
                        op.node().get("x-planned").asText(), response.statusCode(), OpenApiContract.RESOURCE)
                .isEqualTo(404);
        shared("NotFound", op.toString(), response, 404);
    }

    private void conforms(String label, JsonNode documented, Response response) {
        if (response.statusCode() >= 400) {
            assertThat(response.contentType()).as("content type of %s", label).startsWith(Problem.MEDIA_TYPE);
            JsonNode problem = TestCatalog.json(response.asString());
            assertThat(problem.path("status").asInt()).as("status member of %s", label)
                    .isEqualTo(response.statusCode());
            assertThat(contract.problemTypes(documented)).as("documented problem types of %s", label)
                    .contains(problem.path("type").asText());
        }
        for (Map.Entry<String, JsonNode> header : contract.requiredHeaders(documented).entrySet()) {
            String value = response.header(header.getKey());
            assertThat(value).as("header %s of %s", header.getKey(), label).isNotNull();
            JsonNode schema = header.getValue();
            if (schema.has("const")) {
                assertThat(value).as("header %s of %s", header.getKey(), label).isEqualTo(schema.get("const").asText());
            }
            if (schema.has("enum")) {
                assertThat(schema.get("enum").toString()).as("header %s of %s", header.getKey(), label)
                        .contains("\"" + value + "\"");
            }
            if (schema.has("pattern")) {
                assertThat(value).as("header %s of %s", header.getKey(), label)
                        .containsPattern(schema.get("pattern").asText());
            }
        }
        String type = response.contentType() == null ? "" : response.contentType().split(";")[0].trim();
        if (type.endsWith("json") && !contract.requiredFields(documented, type).isEmpty()) {
            JsonNode body = TestCatalog.json(response.asString());
            for (String field : contract.requiredFields(documented, type)) {
                assertThat(body.has(field)).as("field %s in the body of %s", field, label).isTrue();
            }
        }
    }
}
