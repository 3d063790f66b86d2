package io.catalog.rest;

import static io.catalog.testing.TestCatalog.anyone;
import static io.catalog.testing.TestCatalog.create;
import static io.catalog.testing.TestCatalog.patchPrice;
import static io.catalog.testing.TestCatalog.read;
import static io.catalog.testing.TestCatalog.uniqueCategory;
import static io.catalog.testing.TestCatalog.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.catalog.edge.RecordedCloudFrontEndpoint;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Every metric a dashboard uses is one the service exports: the Grafana dashboard ({@value #GRAFANA}, PromQL over
 * the Prometheus endpoint) and the CloudWatch dashboard and alarms of the CDK stack (their metric names are
 * {@value #CLOUDWATCH}, which the CDK stack's collector ships and its tests hold the dashboard to). The service runs
 * with a CloudFront target (against a local recorder of the SDK's calls), so the edge metrics exist; the test reads,
 * writes and waits for the edge purge, then compares with what {@code /q/metrics} exports.
 */
@QuarkusTest
@TestProfile(DashboardMetricsTest.WithCloudFront.class)
class DashboardMetricsTest {

    static final String GRAFANA = "deploy/grafana/catalog-dashboard.json";
    static final String CLOUDWATCH = "deploy/cdk/src/main/resources/cloudwatch-metrics.txt";

    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final RecordedCloudFrontEndpoint CLOUDFRONT = recorder();

    /** A CloudFront target on the recorder, purged right after the window. */
    public static class WithCloudFront implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            System.setProperty("aws.accessKeyId", "test");
            System.setProperty("aws.secretAccessKey", "test");
            return Map.of("catalog.edge.cloudfront.distribution-id", "E2DASHBOARD",
                    "catalog.edge.cloudfront.endpoint-override", CLOUDFRONT.uri().toString(),
                    "catalog.edge.purge.settle", "0s");
        }
    }

    @Test
    void everyMetricTheDashboardsUseIsExported() throws IOException {
        exerciseTheService();
        String scrape = anyone().get("/q/metrics").then().statusCode(200).extract().asString();
        Files.writeString(Path.of("target", "exported-metrics.txt"), scrape);
        Set<String> samples = sampleNames(scrape);
        Set<String> names = new TreeSet<>(samples);
        names.addAll(familyNames(scrape));

        Set<String> grafana = grafanaMetrics(Path.of(GRAFANA));
        assertThat(grafana).as("metrics in %s", GRAFANA).contains("catalog_cache_requests_total",
                "catalog_events_propagation_seconds_bucket", "catalog_feed_healthy", "catalog_outbox_pending",
                "catalog_edge_purges_total", "catalog_edge_purge_budget_exhausted", "http_server_requests_seconds_count",
                "catalog_consistency_checks_total");
        assertThat(notExported(grafana, samples)).as("Grafana metrics /q/metrics does not export").isEmpty();

        Set<String> cloudWatch = listed(Path.of(CLOUDWATCH));
        assertThat(cloudWatch).as("metrics in %s", CLOUDWATCH).contains("catalog_cache_requests_total",
                "catalog_consistency_checks_total", "http_server_requests_seconds");
        assertThat(notExported(cloudWatch, names)).as("CloudWatch metrics /q/metrics does not export").isEmpty();
    }

    @Test
    void aNameTheServiceDoesNotExportIsFound() {
        Set<String> exported = Set.of("catalog_feed_healthy");
        assertThat(notExported(Set.of("catalog_feed_healthy", "catalog_feed_healthy_typo"), exported))
                .containsExactly("catalog_feed_healthy_typo");
        assertThat(metricsOf("sum(rate(catalog_cache_requests_total{tier=\"l1\",result=\"hit\"}[$__rate_interval]))"
                + " / clamp_min(sum by (tier) (rate(catalog_cache_requests_total[5m])), 1)"))
                .containsExactly("catalog_cache_requests_total");
        assertThat(metricsOf("histogram_quantile(0.99, sum by (le) (rate(catalog_events_propagation_seconds_bucket[5m])))"
                + " or vector(0)")).containsExactly("catalog_events_propagation_seconds_bucket");
    }

    /** Reads (a miss, then hits), a write and a price change (events, propagation, an edge purge), a 404. */
    private static void exerciseTheService() {
        String category = uniqueCategory("dash");
        String id = uniqueId("dash");
        create(id, category, "10.00");
        read(id);
        read(id);
        assertThat(patchPrice(id, "11.00").statusCode()).isEqualTo(200);
        read(id);
        anyone().get("/categories/{c}/summary", category);
        anyone().get("/products/{id}", uniqueId("missing")).then().statusCode(404);
        await("the change purged from CloudFront by its tags").atMost(Duration.ofSeconds(20))
                .until(() -> CLOUDFRONT.paths().contains("#product-" + id));
    }

    private static Set<String> notExported(Set<String> used, Set<String> exported) {
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(exported);
        return missing;
    }

    /** The sample names of a Prometheus text exposition: {@code name} of {@code name{labels} value}. */
    static Set<String> sampleNames(String scrape) {
        Set<String> names = new TreeSet<>();
        scrape.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
        return names;
    }

    /** The metric family names ({@code # TYPE name type}): the names timers reach CloudWatch under. */
    static Set<String> familyNames(String scrape) {
        Set<String> names = new TreeSet<>();
        scrape.lines().filter(line -> line.startsWith("# TYPE ")).forEach(line -> names.add(line.split(" ")[2]));
        return names;
    }

    /** Every metric name in the {@code expr} of every target of every panel (rows' panels too). */
    static Set<String> grafanaMetrics(Path dashboard) throws IOException {
        JsonNode root = JSON.readTree(dashboard.toFile());
        List<String> expressions = new ArrayList<>();
        root.findValues("expr").forEach(expr -> expressions.add(expr.asText()));
        assertThat(expressions).as("PromQL expressions in %s", dashboard).isNotEmpty();
        Set<String> names = new TreeSet<>();
        expressions.forEach(expr -> names.addAll(metricsOf(expr)));
        return names;
    }

    /** The metric names of a PromQL expression: identifiers outside label matchers, ranges and strings. */
    static Set<String> metricsOf(String expr) {
        String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\{?\\w+}?", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String word = m.group();
            boolean function = bare.substring(m.end()).stripLeading().startsWith("(");
            boolean number = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
            if (!function && !number && !PROMQL_WORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    /** One name a line; blank lines and {@code #} comments skipped. */
    static Set<String> listed(Path file) throws IOException {
        Set<String> names = new TreeSet<>();
        Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .forEach(names::add);
        return names;
    }

    private static RecordedCloudFrontEndpoint recorder() {
        try {
            return new RecordedCloudFrontEndpoint();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
