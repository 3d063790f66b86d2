package io.catalog.deploy;

import java.util.Map;
import java.util.TreeMap;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeElb;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeTarget;
import software.amazon.awscdk.services.elasticloadbalancingv2.IApplicationLoadBalancer;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * What pages someone: the ALB's own view (5xx, p99 latency) and the service's promises, from the
 * metrics the collector sidecar publishes: the invalidation feed is current and healthy, the outbox drains,
 * the consistency checker finds nothing stale, and the edge purge budget is not spent (past it the edge relies on
 * max-age alone). docs/OPERATIONS.md, says what each means and what to do.
 */
public final class Alarms extends Construct {

    private final Topic topic;

    public Alarms(Construct scope, String id, StackConfig config, IApplicationLoadBalancer loadBalancer) {
        super(scope, id);
        this.topic = Topic.Builder.create(this, "Topic").displayName("Catalog alarms").build();
        config.alarmEmail().ifPresent(email -> topic.addSubscription(new EmailSubscription(email)));

        MetricOptions perMinuteSum = MetricOptions.builder().period(Duration.minutes(1)).statistic("Sum").build();
        alarm("Elb5xx", "ALB answered 5xx itself (no healthy target, timeouts)",
                loadBalancer.getMetrics().httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, perMinuteSum),
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 10, 3, TreatMissingData.NOT_BREACHING);
        alarm("Target5xx", "the service answered 5xx",
                loadBalancer.getMetrics().httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, perMinuteSum),
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 10, 3, TreatMissingData.NOT_BREACHING);
        alarm("LatencyP99", "p99 target response time above 1 s",
                loadBalancer.getMetrics().targetResponseTime(MetricOptions.builder()
                        .period(Duration.minutes(1)).statistic("p99").build()),
                ComparisonOperator.GREATER_THAN_THRESHOLD, 1, 5, TreatMissingData.NOT_BREACHING);

        alarm("FeedLag", "invalidation feed more than 5 s behind",
                serviceMetric("catalog_feed_lag_seconds", "Maximum"),
                ComparisonOperator.GREATER_THAN_THRESHOLD, 5, 3, TreatMissingData.MISSING);
        alarm("FeedUnhealthy", "an instance lost its invalidation feed (L1 distrusted)",
                serviceMetric("catalog_feed_healthy", "Minimum"),
                ComparisonOperator.LESS_THAN_THRESHOLD, 1, 2, TreatMissingData.MISSING);
        alarm("OutboxPending", "more than 100 events not yet published",
                serviceMetric("catalog_outbox_pending", "Maximum"),
                ComparisonOperator.GREATER_THAN_THRESHOLD, 100, 3, TreatMissingData.MISSING);
        alarm("PurgeBudgetExhausted", "monthly CloudFront invalidation budget spent: edge relies on max-age",
                serviceMetric("catalog_edge_purge_budget_exhausted", "Maximum"),
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1, 1, TreatMissingData.NOT_BREACHING);
        alarm("StaleConsistencyCheck", "the consistency checker found a cache tier holding a stale value",
                serviceMetric(CONSISTENCY_CHECKS, "Sum", Map.of("result", "stale")),
                ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1, 1, TreatMissingData.NOT_BREACHING);
    }

    static final String CONSISTENCY_CHECKS = "catalog_consistency_checks_total";

    /** A metric the collector publishes: namespace {@code Catalog}, dimension {@code service=catalog}. */
    static Metric serviceMetric(String name, String statistic) {
        return serviceMetric(name, statistic, Map.of());
    }

    /** The same, split by more of its labels (e.g. {@code result=stale}). */
    static Metric serviceMetric(String name, String statistic, Map<String, String> labels) {
        Map<String, String> dimensions = new TreeMap<>(labels);
        dimensions.put(CollectorSidecar.SERVICE_DIMENSION, CollectorSidecar.SERVICE);
        return Metric.Builder.create()
                .namespace(CollectorSidecar.NAMESPACE)
                .metricName(name)
                .dimensionsMap(dimensions)
                .statistic(statistic)
                .period(Duration.minutes(1))
                .build();
    }

    private void alarm(String id, String description, IMetric metric, ComparisonOperator comparison,
            double threshold, int periods, TreatMissingData missing) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .alarmDescription("Catalog: " + description)
                .metric(metric)
                .comparisonOperator(comparison)
                .threshold(threshold)
                .evaluationPeriods(periods)
                .treatMissingData(missing)
                .build();
        alarm.addAlarmAction(new SnsAction(topic));
        alarm.addOkAction(new SnsAction(topic));
    }

    public Topic topic() {
        return topic;
    }
}
