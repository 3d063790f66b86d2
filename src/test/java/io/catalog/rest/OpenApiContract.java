package io.catalog.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The committed contract, {@code META-INF/openapi.yaml}, read for the tests: its operations, and for each response
 * the problem {@code type}s and the headers it documents ({@code $ref}s, {@code allOf} and {@code oneOf} followed).
 */
final class OpenApiContract {

    static final String RESOURCE = "META-INF/openapi.yaml";
    static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");

    /** One documented operation. */
    record Operation(String path, String method, JsonNode node) {

        boolean planned() {
            return node.has("x-planned");
        }

        boolean secured() {
            return node.path("security").size() > 0;
        }

        Set<String> statuses() {
            Set<String> statuses = new LinkedHashSet<>();
            node.path("responses").fieldNames().forEachRemaining(statuses::add);
            return statuses;
        }

        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    private final JsonNode root;

    private OpenApiContract(JsonNode root) {
        this.root = root;
    }

    static OpenApiContract load() {
        try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return new OpenApiContract(new ObjectMapper(new YAMLFactory()).readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode root() {
        return root;
    }

    List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        root.path("paths").fields().forEachRemaining(path -> {
            for (String method : METHODS) {
                if (path.getValue().has(method)) {
                    operations.add(new Operation(path.getKey(), method, path.getValue().get(method)));
                }
            }
        });
        return operations;
    }

    /** The documented methods of a path, upper case. */
    Set<String> methods(String path) {
        Set<String> methods = new LinkedHashSet<>();
        for (String method : METHODS) {
            if (root.path("paths").path(path).has(method)) {
                methods.add(method.toUpperCase());
            }
        }
        return methods;
    }

    /** A response of an operation, or a shared one ({@code components.responses}), its {@code $ref} followed. */
    JsonNode response(Operation operation, int status) {
        return resolve(operation.node().path("responses").path(Integer.toString(status)));
    }

    JsonNode sharedResponse(String name) {
        return root.path("components").path("responses").path(name);
    }

    /** Whether the response is documented but not served yet ({@code x-planned}). */
    boolean planned(JsonNode response) {
        return response.has("x-planned");
    }

    /** The problem {@code type}s a response documents: the {@code const}s of {@code type} in its schemas. */
    Set<String> problemTypes(JsonNode response) {
        Set<String> types = new LinkedHashSet<>();
        collectTypes(resolve(response.path("content").path(Problem.MEDIA_TYPE).path("schema")), types);
        return types;
    }

    private void collectTypes(JsonNode schema, Set<String> types) {
        JsonNode type = schema.path("properties").path("type");
        if (type.has("const")) {
            types.add(type.get("const").asText());
        }
        for (String combinator : List.of("allOf", "oneOf", "anyOf")) {
            for (JsonNode part : schema.path(combinator)) {
                collectTypes(resolve(part), types);
            }
        }
    }

    /** The headers a response documents as required, each with its schema. */
    Map<String, JsonNode> requiredHeaders(JsonNode response) {
        Map<String, JsonNode> headers = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = response.path("headers").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> header = fields.next();
            JsonNode definition = resolve(header.getValue());
            if (definition.path("required").asBoolean(false)) {
                headers.put(header.getKey(), definition.path("schema"));
            }
        }
        return headers;
    }

    /** The JSON fields a response's body schema requires at its top level. */
    Set<String> requiredFields(JsonNode response, String mediaType) {
        Set<String> fields = new LinkedHashSet<>();
        JsonNode schema = resolve(response.path("content").path(mediaType).path("schema"));
        schema.path("required").forEach(f -> fields.add(f.asText()));
        return fields;
    }

    /** The example of an operation's JSON request body, as text; null when it takes none. */
    String requestExample(Operation operation) {
        JsonNode example = operation.node().path("requestBody").path("content").path("application/json")
                .path("example");
        return example.isMissingNode() ? null : example.toString();
    }

    /** The operation's parameters of one kind ({@code path}, {@code query}), their {@code $ref}s followed. */
    List<JsonNode> parameters(Operation operation, String in) {
        List<JsonNode> parameters = new ArrayList<>();
        for (JsonNode parameter : operation.node().path("parameters")) {
            JsonNode resolved = resolve(parameter);
            if (in.equals(resolved.path("in").asText())) {
                parameters.add(resolved);
            }
        }
        return parameters;
    }

    JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalStateException("only local references are supported: " + ref);
            }
            current = root.at(ref.substring(1));
            if (current.isMissingNode()) {
                throw new IllegalStateException("dangling reference " + ref);
            }
        }
        return current;
    }
}
