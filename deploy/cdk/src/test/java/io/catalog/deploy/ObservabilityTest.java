package io.catalog.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The CloudWatch dashboard, the collector sidecar that feeds it and ships traces to X-Ray, and the service settings
 * that depend on them. The service's own DashboardMetricsTest checks that every name of
 * {@code src/main/resources/cloudwatch-metrics.txt} is one it exports; this test holds the stack to that list.
 */
class ObservabilityTest {

    private static final Pattern CATALOG_METRIC = Pattern.compile("\\[\"Catalog\",\"([^\"]+)\"");

    private final Template template = Synth.template(Synth.DEFAULTS);

    @Test
    void theDashboardShowsEveryPanelOverShippedMetricsOnly() {
        String body = dashboardBody(template);
        for (String panel : List.of("Hit ratio per tier", "Propagation", "Feed healthy", "Feed lag", "Outbox pending",
                "Consistency checks", "Stale checks", "Edge purges", "CloudFront budget exhausted",
                "Server errors and throttling")) {
            assertTrue(body.contains(panel), panel);
        }
        Set<String> used = dashboardMetrics(body);
        assertTrue(used.containsAll(Set.of("catalog_cache_requests_total", "catalog_consistency_checks_total",
                "catalog_edge_purges_total", "http_server_requests_seconds")), used::toString);
        Set<String> shipped = new TreeSet<>(CollectorSidecar.metrics());
        assertTrue(shipped.containsAll(used), "not shipped: " + minus(used, shipped));
        assertTrue(body.contains("AWS/ApplicationELB"), "the ALB's own 5xx");
    }

    @Test
    void everyShippedMetricIsUsedByTheDashboardOrAnAlarm() {
        Set<String> used = dashboardMetrics(dashboardBody(template));
        template.findResources("AWS::CloudWatch::Alarm").values().stream().map(Synth::properties)
                .filter(p -> "Catalog".equals(p.get("Namespace"))).forEach(p -> used.add((String) p.get("MetricName")));
        assertEquals(new TreeSet<>(CollectorSidecar.metrics()), used, "CloudWatch bills every shipped metric");
    }

    @Test
    void theCollectorKeepsAndPublishesExactlyTheListedMetrics() {
        String config = collectorConfig(template);
        List<String> metrics = CollectorSidecar.metrics();
        assertTrue(config.contains("regex: '(" + String.join("|", metrics) + ")(_count|_sum)?'"), config);
        metrics.forEach(m -> assertTrue(config.contains("'^" + m + "$'"), m));
        assertTrue(config.contains("metrics_path: /q/metrics"));
        assertTrue(config.contains("targets: ['localhost:9000']"));
        assertTrue(config.contains("namespace: Catalog"));
        assertTrue(config.contains("service: catalog"));
        assertTrue(config.contains("exporters: [awsemf]") && config.contains("exporters: [awsxray]"), config);
    }

    @Test
    void tracesGoToXRayThroughACollectorOnLocalhost() {
        template.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of("ContainerDefinitions", Match.arrayWith(List.of(
                Match.objectLike(Map.of("Name", CollectorSidecar.CONTAINER, "Essential", false,
                        "Image", "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3",
                        "HealthCheck", Match.objectLike(Map.of("Command", List.of("CMD", "/healthcheck")))))))));
        ServiceTier.requirePinned(CollectorSidecar.IMAGE);
        assertTrue(collectorConfig(template).contains("endpoint: localhost:4317"));
        Map<String, Object> env = ServiceTierTest.environment(template);
        assertEquals("false", env.get("QUARKUS_OTEL_SDK_DISABLED"));
        assertEquals("http://localhost:4317", env.get("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        assertEquals("grpc", env.get("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"));
        assertEquals("parentbased_traceidratio", env.get("QUARKUS_OTEL_TRACES_SAMPLER"));
    }

    @Test
    void theCollectorMayUploadSegmentsAndWriteItsOneLogGroupAndNothingMore() {
        List<Map<String, Object>> statements = Synth.statementsOf(template, SecurityTest.roleOf(template, "TaskRoleArn"));
        Set<String> xray = new TreeSet<>();
        statements.forEach(s -> Synth.listOf(s.get("Action")).stream().filter(a -> a.startsWith("xray:")).forEach(xray::add));
        assertEquals(new TreeSet<>(CollectorSidecar.XRAY_ACTIONS), xray);
        for (Map<String, Object> statement : statements) {
            List<String> actions = Synth.listOf(statement.get("Action"));
            if (actions.stream().anyMatch(a -> a.startsWith("logs:"))) {
                assertFalse(actions.contains("logs:CreateLogGroup"), actions::toString);
                assertTrue(Synth.resourcesOf(statement).toString().contains("ServiceMetricsLogs"),
                        () -> "logs only on the metrics log group: " + statement);
            }
        }
    }

    @Test
    void theServiceInvalidatesByTheCacheTagsTheDistributionReads() {
        template.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(
                Map.of("CacheTagConfig", Map.of("HeaderName", "Cache-Tag")))));
        assertEquals("tags", ServiceTierTest.environment(template).get("CATALOG_EDGE_CLOUDFRONT_INVALIDATE_BY"));

        Template noTags = Synth.template(Synth.DEFAULTS.withCacheTagHeader(""));
        noTags.findResources("AWS::CloudFront::Distribution").values().forEach(d -> assertFalse(
                Synth.properties(d).toString().contains("CacheTagConfig"), "no cache-tag header, no tags"));
        assertEquals("paths", ServiceTierTest.environment(noTags).get("CATALOG_EDGE_CLOUDFRONT_INVALIDATE_BY"));
    }

    /** The dashboard's JSON body, with CloudFormation tokens (region, ALB name) as {@code TOKEN}. */
    @SuppressWarnings("unchecked")
    static String dashboardBody(Template template) {
        Map<String, Map<String, Object>> dashboards = template.findResources("AWS::CloudWatch::Dashboard");
        assertEquals(1, dashboards.size());
        Object body = Synth.properties(dashboards.values().iterator().next()).get("DashboardBody");
        if (body instanceof String s) {
            return s;
        }
        List<Object> parts = (List<Object>) ((List<Object>) ((Map<String, Object>) body).get("Fn::Join")).get(1);
        StringBuilder joined = new StringBuilder();
        parts.forEach(p -> joined.append(p instanceof String s ? s : "TOKEN"));
        return joined.toString();
    }

    static Set<String> dashboardMetrics(String body) {
        Set<String> names = new TreeSet<>();
        Matcher m = CATALOG_METRIC.matcher(body);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static String collectorConfig(Template template) {
        Map<String, Object> task = Synth.properties(template.findResources("AWS::ECS::TaskDefinition").values()
                .iterator().next());
        Map<String, Object> collector = ((List<Map<String, Object>>) task.get("ContainerDefinitions")).stream()
                .filter(c -> CollectorSidecar.CONTAINER.equals(c.get("Name"))).findFirst().orElseThrow();
        Object value = ((List<Map<String, Object>>) collector.get("Environment")).stream()
                .filter(e -> "AOT_CONFIG_CONTENT".equals(e.get("Name"))).findFirst().orElseThrow().get("Value");
        if (value instanceof String s) {
            return s;
        }
        List<Object> parts = (List<Object>) ((List<Object>) ((Map<String, Object>) value).get("Fn::Join")).get(1);
        StringBuilder joined = new StringBuilder();
        parts.forEach(p -> joined.append(p instanceof String s ? s : "TOKEN"));
        return joined.toString();
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> rest = new TreeSet<>(a);
        rest.removeAll(b);
        return rest;
    }
}
