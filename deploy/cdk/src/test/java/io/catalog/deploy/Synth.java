package io.catalog.deploy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/** Synthesizes the stack once per configuration (synthesis takes seconds) and shares the templates. */
final class Synth {

    static final String CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";
    /** The id of com.amazonaws.global.cloudfront.origin-facing (looked up at deployment when not given). */
    static final String CLOUDFRONT_PREFIX_LIST = "pl-3b927c52";
    static final StackConfig DEFAULTS = StackConfig.defaults()
            .withImage("123456789012.dkr.ecr.us-east-1.amazonaws.com/catalog-service:1.0.0")
            .withOriginCertificate("origin.catalog.example.com", CERTIFICATE)
            .withCloudFrontPrefixList(CLOUDFRONT_PREFIX_LIST);
    static final StackConfig DAX_ON = DEFAULTS.withDax(true);

    private static final Map<StackConfig, Template> TEMPLATES = new ConcurrentHashMap<>();

    private Synth() {
    }

    static Template template(StackConfig config) {
        return TEMPLATES.computeIfAbsent(config, c -> {
            App app = new App();
            return Template.fromStack(new CatalogStack(app, "Test", StackProps.builder().build(), c));
        });
    }

    /** The single resource of a type whose properties contain {@code key=value} (e.g. a description). */
    @SuppressWarnings("unchecked")
    static Map.Entry<String, Map<String, Object>> resource(Template template, String type, String key, Object value) {
        List<Map.Entry<String, Map<String, Object>>> found = template.findResources(type).entrySet().stream()
                .filter(e -> value.equals(properties(e.getValue()).get(key)))
                .map(e -> Map.entry(e.getKey(), (Map<String, Object>) e.getValue()))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type + " with " + key + "=" + value + ", found " + found.size());
        }
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
    }

    /** The policy statements attached to a role (by logical id) through AWS::IAM::Policy resources. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> statementsOf(Template template, String roleLogicalId) {
        return template.findResources("AWS::IAM::Policy").values().stream()
                .map(Synth::properties)
                .filter(p -> ((List<Object>) p.get("Roles")).contains(Map.of("Ref", roleLogicalId)))
                .flatMap(p -> ((List<Map<String, Object>>) ((Map<String, Object>) p.get("PolicyDocument"))
                        .get("Statement")).stream())
                .toList();
    }

    @SuppressWarnings("unchecked")
    static List<String> listOf(Object stringOrList) {
        return stringOrList instanceof List<?> list ? (List<String>) list : List.of((String) stringOrList);
    }

    @SuppressWarnings("unchecked")
    static List<Object> resourcesOf(Map<String, Object> statement) {
        Object resource = statement.get("Resource");
        return resource instanceof List<?> list ? (List<Object>) list : List.of(resource);
    }
}
