package io.catalog.deploy;

import static io.catalog.deploy.Alarms.serviceMetric;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.SingleValueWidget;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeElb;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeTarget;
import software.amazon.awscdk.services.elasticloadbalancingv2.IApplicationLoadBalancer;
import software.constructs.Construct;

/**
 * The CloudWatch dashboard {@code catalog-service}: the panels of the Grafana dashboard
 * ({@code deploy/grafana/catalog-dashboard.json}) over the metrics the collector sidecar ships (namespace
 * {@code Catalog}, {@code service=catalog}, summed over every task), plus the ALB's own 5xx. Hit ratios are metric
 * math over the per-minute sums of hits and misses. Propagation is the slowest event per minute
 * ({@code catalog_events_propagation_seconds_max}); percentiles are on the Grafana dashboard, which reads the
 * histogram. docs/OPERATIONS.md, says what each panel means.
 */
final class OperationsDashboard extends Construct {

    static final String NAME = "catalog-service";
    private static final int W = 8;
    private static final int H = 6;

    OperationsDashboard(Construct scope, String id, IApplicationLoadBalancer loadBalancer) {
        super(scope, id);
        Dashboard dashboard = Dashboard.Builder.create(this, "Dashboard").dashboardName(NAME)
                .defaultInterval(Duration.hours(3)).build();
        dashboard.addWidgets(title("Reads: hit ratio per tier"));
        dashboard.addWidgets(graph("Hit ratio per tier (%)", List.of(hitRatio("l1"), hitRatio("l2")), 12),
                graph("Lookups and store loads per minute", List.of(
                        lookups("l1", "hit"), lookups("l1", "miss"), lookups("l2", "hit"), lookups("l2", "miss"),
                        sum("catalog_store_loads_total", "store loads")), 12));
        dashboard.addWidgets(title("Propagation and the invalidation feed"));
        dashboard.addWidgets(
                graph("Propagation: slowest event applied (s)", List.of(
                        metric("catalog_events_propagation_seconds_max", "Maximum", Map.of(), "max over tasks")), W),
                graph("Feed healthy (min over tasks; 0 = L1 bypassed)", List.of(
                        metric("catalog_feed_healthy", "Minimum", Map.of(), "healthy")), 4),
                graph("Feed lag (s)", List.of(metric("catalog_feed_lag_seconds", "Maximum", Map.of(), "max")), 6),
                graph("Events published and applied", List.of(sum("catalog_events_published_total", "published"),
                        sum("catalog_events_applied_total", "applied (all tasks)")), 6));
        dashboard.addWidgets(title("Outbox and consistency"));
        dashboard.addWidgets(
                graph("Outbox pending", List.of(metric("catalog_outbox_pending", "Maximum", Map.of(), "max")), W),
                graph("Consistency checks", List.of(
                        metric(Alarms.CONSISTENCY_CHECKS, "Sum", Map.of("result", "consistent"), "consistent"),
                        metric(Alarms.CONSISTENCY_CHECKS, "Sum", Map.of("result", "stale"), "stale")), W),
                SingleValueWidget.Builder.create().title("Stale checks (last hour)").width(W).height(H)
                        .metrics(List.of(serviceMetric(Alarms.CONSISTENCY_CHECKS, "Sum", Map.of("result", "stale"))
                                .with(MetricOptions.builder().period(Duration.hours(1)).label("stale").build())))
                        .build());
        dashboard.addWidgets(title("Edge purges"));
        List<IMetric> purges = new ArrayList<>();
        for (String outcome : List.of("success", "failure", "over-budget")) {
            purges.add(metric("catalog_edge_purges_total", "Sum", Map.of("target", "cloudfront", "outcome", outcome),
                    "cloudfront " + outcome));
        }
        dashboard.addWidgets(graph("Edge purges (CloudFront invalidations)", purges, 12),
                graph("CloudFront budget exhausted (1 = edge on max-age)", List.of(
                        metric("catalog_edge_purge_budget_exhausted", "Maximum", Map.of(), "exhausted")), 6),
                graph("CloudFront items in flight", List.of(
                        metric("catalog_edge_purge_in_flight", "Maximum", Map.of(), "max over tasks")), 6));
        dashboard.addWidgets(title("Errors"));
        MetricOptions perMinute = MetricOptions.builder().period(Duration.minutes(1)).statistic("Sum").build();
        List<IMetric> errors = new ArrayList<>();
        for (String status : List.of("500", "503", "429")) {
            errors.add(metric("http_server_requests_seconds", "SampleCount", Map.of("status", status),
                    "service " + status));
        }
        errors.add(loadBalancer.getMetrics().httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, perMinute));
        errors.add(loadBalancer.getMetrics().httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, perMinute));
        dashboard.addWidgets(graph("Server errors and throttling per minute", errors, 16),
                graph("DynamoDB breaker open", List.of(
                        metric("catalog_store_breaker_open", "Maximum", Map.of(), "open")), W));
    }

    private static TextWidget title(String text) {
        return TextWidget.Builder.create().markdown("## " + text).width(24).height(1).build();
    }

    private static GraphWidget graph(String title, List<IMetric> metrics, int width) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(width).height(H).build();
    }

    private static Metric metric(String name, String statistic, Map<String, String> labels, String label) {
        return serviceMetric(name, statistic, labels).with(MetricOptions.builder().label(label).build());
    }

    private static Metric sum(String name, String label) {
        return metric(name, "Sum", Map.of(), label);
    }

    private static Metric lookups(String tier, String result) {
        return metric("catalog_cache_requests_total", "Sum", Map.of("tier", tier, "result", result),
                tier + " " + result);
    }

    private static MathExpression hitRatio(String tier) {
        String hits = "hits_" + tier;
        String misses = "misses_" + tier;
        return MathExpression.Builder.create().expression("100 * " + hits + " / (" + hits + " + " + misses + ")")
                .label(tier).usingMetrics(Map.of(hits, lookups(tier, "hit"), misses, lookups(tier, "miss")))
                .period(Duration.minutes(1)).build();
    }
}
