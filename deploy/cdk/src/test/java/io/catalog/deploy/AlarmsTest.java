package io.catalog.deploy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class AlarmsTest {

    private final Template template = Synth.template(Synth.DEFAULTS);

    @Test
    void loadBalancerAlarms() {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/ApplicationELB", "MetricName", "HTTPCode_ELB_5XX_Count"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/ApplicationELB", "MetricName", "HTTPCode_Target_5XX_Count"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/ApplicationELB", "MetricName", "TargetResponseTime", "ExtendedStatistic", "p99"));
    }

    @Test
    void serviceAlarmsOnTheCollectorsMetrics() {
        serviceAlarm("catalog_feed_lag_seconds", "GreaterThanThreshold", 5, 3);
        serviceAlarm("catalog_feed_healthy", "LessThanThreshold", 1, 2);
        serviceAlarm("catalog_outbox_pending", "GreaterThanThreshold", 100, 3);
        serviceAlarm("catalog_edge_purge_budget_exhausted", "GreaterThanOrEqualToThreshold", 1, 1);
    }

    @Test
    void anyStaleConsistencyCheckAlarms() {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "Catalog",
                "MetricName", "catalog_consistency_checks_total",
                "Dimensions", List.of(Map.of("Name", "result", "Value", "stale"),
                        Map.of("Name", "service", "Value", "catalog")),
                "Statistic", "Sum",
                "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                "Threshold", 1,
                "EvaluationPeriods", 1,
                "TreatMissingData", "notBreaching",
                "AlarmActions", Match.anyValue()));
    }

    private void serviceAlarm(String metric, String comparison, int threshold, int periods) {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "Catalog",
                "MetricName", metric,
                "Dimensions", List.of(Map.of("Name", "service", "Value", "catalog")),
                "ComparisonOperator", comparison,
                "Threshold", threshold,
                "EvaluationPeriods", periods,
                "AlarmActions", Match.anyValue()));
    }

    @Test
    void stackOutputs() {
        for (String output : List.of("CloudFrontDomainName", "AlbDnsName", "ProductsTable", "CountersTable", "RedisUrl",
                "EventBusName")) {
            template.hasOutput(output, Map.of("Value", Match.anyValue()));
        }
    }
}
