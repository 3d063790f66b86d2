package io.catalog.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.HealthCheck;
import software.amazon.awscdk.services.ecs.LogDrivers;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * An AWS Distro for OpenTelemetry (ADOT) collector next to the service in each task, for both of its signals:
 *
 * <ul>
 * <li><b>Traces</b>: the service exports spans by OTLP/gRPC to {@code localhost:4317} (its OpenTelemetry SDK is off by
 * default and switched on here by {@link #SERVICE_ENVIRONMENT}); the collector batches them to AWS X-Ray.</li>
 * <li><b>Metrics</b>: it scrapes the service's Prometheus endpoint on the management interface
 * ({@code localhost:9000/q/metrics}) every 30 s, keeps only the metrics listed in {@value #METRICS_RESOURCE} (what the
 * dashboard and the alarms use) and writes them as embedded metric format to a log group, from which CloudWatch
 * extracts them into namespace {@value #NAMESPACE} with the dimension {@code service=catalog} (one series for all
 * tasks) plus the labels the dashboard splits by ({@link #DIMENSIONS}).</li>
 * </ul>
 *
 * <p>The collector's permissions are the task role's: write to that one log group, and the two X-Ray actions that
 * upload segments (X-Ray has no resource-level permissions for them, hence {@code *}). Its configuration travels in
 * {@code AOT_CONFIG_CONTENT}, which the ADOT image reads instead of a file. Not run here (no AWS): the names the
 * metrics reach CloudWatch under are those of the Prometheus samples (counters with {@code _total}), timers by their
 * family name.
 */
final class CollectorSidecar extends Construct {

    static final String CONTAINER = "otel-collector";
    static final String NAMESPACE = "Catalog";
    /** The static label every shipped metric carries, and the dimension every CloudWatch series has. */
    static final String SERVICE_DIMENSION = "service";
    static final String SERVICE = "catalog";
    static final String METRICS_RESOURCE = "/cloudwatch-metrics.txt";
    static final int OTLP_GRPC_PORT = 4317;
    /** A pinned version (never {@code latest}): a new collector arrives by changing this line, reviewed. */
    static final String IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3";
    static final List<String> XRAY_ACTIONS = List.of("xray:PutTraceSegments", "xray:PutTelemetryRecords");
    /** Share of root traces recorded (X-Ray bills per trace); a sampled parent's children always are. */
    static final String TRACE_SAMPLE_RATIO = "0.1";

    /** Dimension sets under which the shipped metrics are published (those lacking a label skip a set). */
    static final List<List<String>> DIMENSIONS = List.of(
            List.of(SERVICE_DIMENSION),
            List.of(SERVICE_DIMENSION, "tier", "result"),
            List.of(SERVICE_DIMENSION, "result"),
            List.of(SERVICE_DIMENSION, "target", "outcome"),
            List.of(SERVICE_DIMENSION, "status"));

    /**
     * What turns the service's tracing on in AWS: the SDK (off by default locally), where the OTLP exporter sends, and
     * a parent-based ratio sampler. Only run-time properties: the image must be built with the default traces exporter
     * ({@code quarkus.otel.traces.exporter=cdi}, the OTLP one; a build-time property), local runs turn tracing off with
     * {@code quarkus.otel.sdk.disabled=true}.
     */
    static final Map<String, String> SERVICE_ENVIRONMENT = new TreeMap<>(Map.of(
            "QUARKUS_OTEL_SDK_DISABLED", "false",
            "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://localhost:" + OTLP_GRPC_PORT,
            "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc",
            "QUARKUS_OTEL_TRACES_SAMPLER", "parentbased_traceidratio",
            "QUARKUS_OTEL_TRACES_SAMPLER_ARG", TRACE_SAMPLE_RATIO));

    private final ContainerDefinition container;

    CollectorSidecar(Construct scope, String id, FargateTaskDefinition task, LogGroup metricsLogGroup,
            LogGroup ownLogs, String region) {
        super(scope, id);
        this.container = task.addContainer(CONTAINER, ContainerDefinitionOptions.builder()
                .image(ContainerImage.fromRegistry(IMAGE))
                .essential(false)
                .cpu(64)
                .memoryReservationMiB(128)
                .memoryLimitMiB(256)
                .environment(Map.of("AOT_CONFIG_CONTENT", config(metricsLogGroup.getLogGroupName(), region)))
                .healthCheck(HealthCheck.builder()
                        // CMD, not CMD-SHELL: the ADOT image has no shell
                        .command(List.of("CMD", "/healthcheck"))
                        .interval(Duration.seconds(30))
                        .timeout(Duration.seconds(5))
                        .retries(3)
                        .startPeriod(Duration.seconds(15))
                        .build())
                .logging(LogDrivers.awsLogs(AwsLogDriverProps.builder()
                        .streamPrefix(CONTAINER).logGroup(ownLogs).build()))
                .build());
        metricsLogGroup.grantWrite(task.getTaskRole());
        task.getTaskRole().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("logs:DescribeLogStreams"))
                .resources(List.of(metricsLogGroup.getLogGroupArn()))
                .build());
        task.getTaskRole().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(XRAY_ACTIONS)
                .resources(List.of("*"))
                .build());
    }

    ContainerDefinition container() {
        return container;
    }

    /** The metrics shipped to CloudWatch: {@value #METRICS_RESOURCE}, one name a line, {@code #} comments. */
    static List<String> metrics() {
        try (InputStream in = CollectorSidecar.class.getResourceAsStream(METRICS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(METRICS_RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The collector's configuration (YAML; {@code $} would need doubling, none is used). */
    static String config(String logGroupName, String region) {
        List<String> metrics = metrics();
        String keep = "(" + String.join("|", metrics) + ")(_count|_sum)?";
        String selectors = String.join(", ", metrics.stream().map(m -> "'^" + m + "$'").toList());
        String dimensions = String.join(", ", DIMENSIONS.stream()
                .map(set -> "[" + String.join(", ", set) + "]").toList());
        return String.join("\n",
                "extensions:",
                "  health_check:",
                "receivers:",
                "  otlp:",
                "    protocols:",
                "      grpc:",
                "        endpoint: localhost:" + OTLP_GRPC_PORT,
                "  prometheus:",
                "    config:",
                "      global:",
                "        scrape_interval: 30s",
                "        scrape_timeout: 10s",
                "      scrape_configs:",
                "        - job_name: " + SERVICE,
                "          metrics_path: /q/metrics",
                "          static_configs:",
                "            - targets: ['localhost:" + ServiceTier.MANAGEMENT_PORT + "']",
                "              labels:",
                "                " + SERVICE_DIMENSION + ": " + SERVICE,
                "          metric_relabel_configs:",
                "            - source_labels: [__name__]",
                "              regex: '" + keep + "'",
                "              action: keep",
                "processors:",
                "  batch/traces:",
                "    timeout: 1s",
                "  batch/metrics:",
                "    timeout: 30s",
                "exporters:",
                "  awsxray:",
                "    region: " + region,
                "  awsemf:",
                "    region: " + region,
                "    namespace: " + NAMESPACE,
                "    log_group_name: '" + logGroupName + "'",
                "    dimension_rollup_option: NoDimensionRollup",
                "    metric_declarations:",
                "      - dimensions: [" + dimensions + "]",
                "        metric_name_selectors: [" + selectors + "]",
                "service:",
                "  extensions: [health_check]",
                "  pipelines:",
                "    traces:",
                "      receivers: [otlp]",
                "      processors: [batch/traces]",
                "      exporters: [awsxray]",
                "    metrics:",
                "      receivers: [prometheus]",
                "      processors: [batch/metrics]",
                "      exporters: [awsemf]",
                "");
    }
}
