package io.catalog.deploy;

import java.util.List;
import java.util.Map;

import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDrivers;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * A CloudWatch agent next to the service in each task: it scrapes the service's Prometheus
 * endpoint on the management interface ({@code localhost:9000/q/metrics}) every 30 s and turns the few catalog metrics the
 * alarms need into CloudWatch metrics (namespace {@code Catalog}, one dimension {@code job=catalog},
 * so the tasks' values land in one series), written as embedded metric format to a log group.
 *
 * <p>Only the metrics named in {@link #METRICS} are published: everything else stays in
 * Prometheus format on the endpoint. Not run here (no AWS): the agent's Prometheus support on
 * ECS reads its configuration from the two environment variables below.
 */
final class MetricsSidecar extends Construct {

    static final String NAMESPACE = "Catalog";
    static final String JOB = "catalog";
    static final List<String> METRICS = List.of(
            "catalog_feed_lag_seconds", "catalog_feed_healthy", "catalog_outbox_pending",
            "catalog_edge_purge_budget_exhausted");
    /** A pinned version (never {@code latest}): a new agent arrives by changing this line, reviewed. */
    static final String IMAGE = "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300059.0b1207";

    MetricsSidecar(Construct scope, String id, FargateTaskDefinition task, LogGroup logGroup) {
        super(scope, id);
        task.addContainer("cloudwatch-agent", ContainerDefinitionOptions.builder()
                .image(ContainerImage.fromRegistry(IMAGE))
                .essential(false)
                .cpu(64)
                .memoryReservationMiB(128)
                .environment(new java.util.TreeMap<>(Map.of(
                        "PROMETHEUS_CONFIG_CONTENT", prometheusConfig(),
                        "CW_CONFIG_CONTENT", agentConfig(logGroup.getLogGroupName()))))
                .logging(LogDrivers.awsLogs(AwsLogDriverProps.builder()
                        .streamPrefix("cloudwatch-agent").logGroup(logGroup).build()))
                .build());
        logGroup.grantWrite(task.getTaskRole());
        task.getTaskRole().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("logs:DescribeLogStreams"))
                .resources(List.of(logGroup.getLogGroupArn()))
                .build());
    }

    static String prometheusConfig() {
        return String.join("\n",
                "global:",
                "  scrape_interval: 30s",
                "  scrape_timeout: 10s",
                "scrape_configs:",
                "  - job_name: " + JOB,
                "    metrics_path: /q/metrics",
                "    static_configs:",
                "      - targets: ['localhost:" + ServiceTier.MANAGEMENT_PORT + "']",
                "");
    }

    static String agentConfig(String logGroupName) {
        String selectors = String.join(", ", METRICS.stream().map(m -> "\"^" + m + "$\"").toList());
        return """
                {"logs": {"force_flush_interval": 5, "metrics_collected": {"prometheus": {
                  "log_group_name": "%s",
                  "prometheus_config_path": "env:PROMETHEUS_CONFIG_CONTENT",
                  "emf_processor": {
                    "metric_namespace": "%s",
                    "metric_declaration": [{
                      "source_labels": ["job"], "label_matcher": "^%s$",
                      "dimensions": [["job"]],
                      "metric_selectors": [%s]
                    }]
                  }
                }}}}
                """.formatted(logGroupName, NAMESPACE, JOB, selectors);
    }
}
