package io.catalog.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class ServiceTierTest {

    private final Template template = Synth.template(Synth.DAX_ON);

    @Test
    void containerIsConfiguredThroughTheDocumentedEnvironmentVariables() {
        Map<String, Object> env = environment(template);
        assertTrue(env.keySet().containsAll(Set.of("QUARKUS_HTTP_PORT", "QUARKUS_REDIS_HOSTS",
                "QUARKUS_DYNAMODB_AWS_REGION", "CATALOG_DYNAMODB_TABLE_PREFIX", "CATALOG_DAX_ENDPOINT",
                "CATALOG_EVENTS_EVENTBRIDGE_BUS", "CATALOG_EDGE_CLOUDFRONT_DISTRIBUTION_ID", "MP_JWT_VERIFY_ISSUER")),
                env::toString);
        assertEquals("8080", env.get("QUARKUS_HTTP_PORT"));
        assertEquals("catalog-", env.get("CATALOG_DYNAMODB_TABLE_PREFIX"));
        assertEquals("false", env.get("CATALOG_DYNAMODB_CREATE_TABLES"));
        assertEquals(Map.of("Ref", "AWS::Region"), env.get("QUARKUS_DYNAMODB_AWS_REGION"));
        assertTrue(env.get("QUARKUS_REDIS_HOSTS").toString().contains("rediss://"), env.get("QUARKUS_REDIS_HOSTS")::toString);
        assertTrue(env.get("QUARKUS_REDIS_HOSTS").toString().contains("PrimaryEndPoint.Address"));
        assertTrue(env.get("CATALOG_DAX_ENDPOINT").toString().contains("ClusterDiscoveryEndpointURL"));
        assertFalse(env.containsKey("QUARKUS_REDIS_CLIENT_TYPE"), "standalone unless cluster mode");
        assertFalse(env.containsKey("CATALOG_EVENTS_STREAM"), "the documented default stream name when standalone");
    }

    @Test
    void secretsAreInjectedByEcsNotWrittenIntoTheTemplate() {
        template.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of("ContainerDefinitions", Match.arrayWith(List.of(
                Match.objectLike(Map.of("Name", ServiceTier.CONTAINER, "Secrets", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Name", "MP_JWT_VERIFY_PUBLICKEY")),
                        Match.objectLike(Map.of("Name", "QUARKUS_REDIS_PASSWORD"))))))))));
        Map<String, Object> env = environment(template);
        assertFalse(env.containsKey("QUARKUS_REDIS_PASSWORD"));
        assertFalse(env.containsKey("MP_JWT_VERIFY_PUBLICKEY"));
    }

    @Test
    void threeFargateTasksOfHalfAVcpuAndOneGibInPrivateSubnets() {
        template.hasResourceProperties("AWS::ECS::Service", Map.of(
                "DesiredCount", 3,
                "LaunchType", "FARGATE",
                "NetworkConfiguration", Map.of("AwsvpcConfiguration", Match.objectLike(Map.of("AssignPublicIp", "DISABLED")))));
        template.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of("Cpu", "512", "Memory", "1024"));
        template.resourceCountIs("AWS::EC2::NatGateway", 1);
    }

    @Test
    void logsGoToCloudWatch() {
        template.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of("ContainerDefinitions", Match.arrayWith(List.of(
                Match.objectLike(Map.of("Name", ServiceTier.CONTAINER,
                        "LogConfiguration", Match.objectLike(Map.of("LogDriver", "awslogs"))))))));
    }

    @Test
    void loadBalancerChecksReadinessAndHidesOperationsEndpoints() {
        template.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", Map.of("Scheme", "internet-facing"));
        template.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Map.of(
                "HealthCheckPath", "/q/health/ready", "HealthCheckPort", "9000", "Port", 8080, "TargetType", "ip"));
        template.hasResourceProperties("AWS::ElasticLoadBalancingV2::ListenerRule", Map.of(
                "Conditions", List.of(Map.of("Field", "path-pattern", "PathPatternConfig", Map.of("Values", List.of("/q/*")))),
                "Actions", List.of(Match.objectLike(Map.of("Type", "fixed-response",
                        "FixedResponseConfig", Match.objectLike(Map.of("StatusCode", "404")))))));
    }

    @Test
    void daxOffSynthesizesWithoutDax() {
        Template daxOff = Synth.template(Synth.DEFAULTS);
        daxOff.resourceCountIs("AWS::DAX::Cluster", 0);
        daxOff.resourceCountIs("AWS::DAX::SubnetGroup", 0);
        assertFalse(environment(daxOff).containsKey("CATALOG_DAX_ENDPOINT"));
        Synth.statementsOf(daxOff, SecurityTest.roleOf(daxOff, "TaskRoleArn")).forEach(s ->
                Synth.listOf(s.get("Action")).forEach(a -> assertFalse(a.startsWith("dax:"), a)));
    }

    @Test
    void ecrImagesAreReferencedAsRepositoriesSoPullIsScoped() {
        template.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of("ContainerDefinitions", Match.arrayWith(List.of(
                Match.objectLike(Map.of("Name", ServiceTier.CONTAINER, "Image", Match.anyValue()))))));
        List<Map<String, Object>> execution = Synth.statementsOf(template, SecurityTest.roleOf(template, "ExecutionRoleArn"));
        assertTrue(execution.stream().anyMatch(s -> Synth.listOf(s.get("Action")).contains("ecr:BatchGetImage")
                && Synth.resourcesOf(s).toString().contains("repository/catalog-service")), execution::toString);
    }

    /** The catalog container's environment as name → value (a string or an intrinsic function). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> environment(Template template) {
        Map<String, Object> task = Synth.properties(template.findResources("AWS::ECS::TaskDefinition").values()
                .iterator().next());
        Map<String, Object> container = ((List<Map<String, Object>>) task.get("ContainerDefinitions")).stream()
                .filter(c -> ServiceTier.CONTAINER.equals(c.get("Name"))).findFirst().orElseThrow();
        Map<String, Object> env = new LinkedHashMap<>();
        ((List<Map<String, Object>>) container.get("Environment")).forEach(e -> env.put((String) e.get("Name"), e.get("Value")));
        return env;
    }
}
