package io.catalog.deploy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class DataTierTest {

    private final Template template = Synth.template(Synth.DAX_ON);

    @Test
    void productsTableMatchesWhatTheServiceCreates() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "TableName", "catalog-products",
                "KeySchema", List.of(Map.of("AttributeName", "id", "KeyType", "HASH")),
                "BillingMode", "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "SSESpecification", Map.of("SSEEnabled", true),
                "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                "GlobalSecondaryIndexes", Match.arrayEquals(List.of(
                        Map.of("IndexName", "category-index",
                                "KeySchema", List.of(Map.of("AttributeName", "category", "KeyType", "HASH"),
                                        Map.of("AttributeName", "id", "KeyType", "RANGE")),
                                "Projection", Map.of("ProjectionType", "ALL")),
                        Map.of("IndexName", "outbox-index",
                                "KeySchema", List.of(Map.of("AttributeName", "outboxShard", "KeyType", "HASH"),
                                        Map.of("AttributeName", "outboxSeq", "KeyType", "RANGE")),
                                "Projection", Map.of("ProjectionType", "KEYS_ONLY"))))));
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of("AttributeDefinitions", Match.arrayWith(List.of(
                Map.of("AttributeName", "outboxSeq", "AttributeType", "N")))));
    }

    @Test
    void countersTableAndBothTablesAreRetained() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "TableName", "catalog-counters",
                "KeySchema", List.of(Map.of("AttributeName", "name", "KeyType", "HASH")),
                "BillingMode", "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true)));
        template.resourceCountIs("AWS::DynamoDB::Table", 2);
        template.allResources("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"));
    }

    @Test
    void daxClusterIsEncryptedAtRestAndInTransit() {
        template.resourceCountIs("AWS::DAX::Cluster", 1);
        template.hasResourceProperties("AWS::DAX::Cluster", Map.of(
                "SSESpecification", Map.of("SSEEnabled", true),
                "ClusterEndpointEncryptionType", "TLS",
                "NodeType", "dax.t3.small",
                "ReplicationFactor", 3));
    }

    @Test
    void daxIsReachableOnlyFromTheServiceOnItsPorts() {
        String daxSg = Synth.resource(template, "AWS::EC2::SecurityGroup", "GroupDescription",
                "Catalog DAX: service tasks only").getKey();
        String serviceSg = Synth.resource(template, "AWS::EC2::SecurityGroup", "GroupDescription",
                "Catalog service tasks").getKey();
        for (int port : List.of(8111, 9111)) {
            template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of(
                    "GroupId", Map.of("Fn::GetAtt", List.of(daxSg, "GroupId")),
                    "SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(serviceSg, "GroupId")),
                    "FromPort", port, "ToPort", port));
        }
        SecurityTest.assertNoOpenIngress(template, daxSg);
    }

    @Test
    void daxRoleIsAssumedByDaxAndLimitedToTheTables() {
        String role = Synth.resource(template, "AWS::IAM::Role", "Description", "Lets DAX access the catalog tables")
                .getKey();
        template.hasResourceProperties("AWS::IAM::Role", Map.of("AssumeRolePolicyDocument", Map.of("Statement",
                List.of(Match.objectLike(Map.of("Principal", Map.of("Service", "dax.amazonaws.com")))),
                "Version", "2012-10-17")));
        SecurityTest.assertScoped(Synth.statementsOf(template, role));
    }
}
