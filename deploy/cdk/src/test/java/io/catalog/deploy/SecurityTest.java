package io.catalog.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.assertions.Template;

/** Least privilege: what the task may do, on what, and who may reach the backends. */
class SecurityTest {

    private static final Set<String> SCOPED_SERVICES = Set.of("dynamodb", "dax", "events", "cloudfront", "secretsmanager");

    private final Template template = Synth.template(Synth.DAX_ON);

    @Test
    void taskRoleHasItemAccessOnlyAndNothingOnWildcardResources() {
        List<Map<String, Object>> statements = Synth.statementsOf(template, roleOf(template, "TaskRoleArn"));
        assertScoped(statements);
        Set<String> actions = actions(statements);
        assertTrue(actions.containsAll(DataTier.PRODUCTS_ACTIONS), actions::toString);
        assertTrue(actions.containsAll(DataTier.COUNTERS_ACTIONS), actions::toString);
        assertTrue(actions.containsAll(DaxCluster.ITEM_ACTIONS), actions::toString);
        assertTrue(actions.containsAll(Set.of("events:PutEvents", "cloudfront:CreateInvalidation",
                "cloudfront:GetInvalidation")), actions::toString);
        assertFalse(actions.contains("dynamodb:CreateTable"), "the service does not create tables in AWS");
        assertFalse(actions.stream().anyMatch(a -> a.startsWith("secretsmanager:")), "secrets go to the execution role");
    }

    @Test
    void eachGrantIsOnItsOwnResource() {
        for (Map<String, Object> statement : Synth.statementsOf(template, roleOf(template, "TaskRoleArn"))) {
            Set<String> services = Synth.listOf(statement.get("Action")).stream()
                    .map(a -> a.substring(0, a.indexOf(':'))).collect(Collectors.toSet());
            String resources = Synth.resourcesOf(statement).toString();
            if (services.contains("dynamodb")) {
                assertTrue(resources.contains("DataProducts") != resources.contains("DataCounters"),
                        "one table per grant: " + resources);
                if (resources.contains("DataCounters")) {
                    assertEquals(Set.copyOf(DataTier.COUNTERS_ACTIONS), Set.copyOf(Synth.listOf(statement.get("Action"))));
                }
            }
            if (services.contains("dax")) {
                assertTrue(resources.contains("DataDaxCluster"), resources);
            }
            if (services.contains("events")) {
                assertTrue(resources.contains("EventsBus"), resources);
            }
            if (services.contains("cloudfront")) {
                assertTrue(resources.contains("distribution/") && resources.contains("EdgeDistribution"), resources);
            }
        }
    }

    @Test
    void onlyTheExecutionRoleReadsTheThreeSecrets() {
        List<Map<String, Object>> statements = Synth.statementsOf(template, roleOf(template, "ExecutionRoleArn"));
        assertScoped(statements);
        List<Object> secretResources = statements.stream()
                .filter(s -> Synth.listOf(s.get("Action")).contains("secretsmanager:GetSecretValue"))
                .flatMap(s -> Synth.resourcesOf(s).stream())
                .toList();
        assertEquals(3, secretResources.size(), secretResources::toString);
    }

    @Test
    void redisIsReachableOnlyFromTheServiceOn6379() {
        String redisSg = Synth.resource(template, "AWS::EC2::SecurityGroup", "GroupDescription",
                "Catalog ElastiCache: service tasks only").getKey();
        String serviceSg = Synth.resource(template, "AWS::EC2::SecurityGroup", "GroupDescription",
                "Catalog service tasks").getKey();
        template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of(
                "GroupId", Map.of("Fn::GetAtt", List.of(redisSg, "GroupId")),
                "SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(serviceSg, "GroupId")),
                "FromPort", 6379, "ToPort", 6379));
        assertNoOpenIngress(template, redisSg);
    }

    @Test
    void nothingButTheLoadBalancerIsOpenToTheInternet() {
        Map<String, Map<String, Object>> groups = template.findResources("AWS::EC2::SecurityGroup");
        for (String id : groups.keySet()) {
            if (!id.startsWith("ServiceAlb")) {
                assertNoOpenIngress(template, id);
            }
        }
    }

    @Test
    void theOpenIngressCheckDoesSeeAnOpenGroup() {
        Template noEdge = Synth.template(Synth.DEFAULTS.withoutCloudFront());
        String alb = noEdge.findResources("AWS::EC2::SecurityGroup").keySet().stream()
                .filter(id -> id.startsWith("ServiceAlb")).findFirst().orElseThrow();
        assertThrows(AssertionError.class, () -> assertNoOpenIngress(noEdge, alb),
                "without CloudFront the ALB is the public entry");
    }

    @Test
    void withCloudFrontNotEvenTheLoadBalancerIsOpenToTheInternet() {
        template.findResources("AWS::EC2::SecurityGroup").keySet().forEach(id -> assertNoOpenIngress(template, id));
    }

    /** No statement on a scoped service (DynamoDB, DAX, EventBridge, CloudFront, Secrets) uses "*" or a service wildcard. */
    static void assertScoped(List<Map<String, Object>> statements) {
        assertFalse(statements.isEmpty());
        for (Map<String, Object> statement : statements) {
            List<String> actions = Synth.listOf(statement.get("Action"));
            boolean scoped = actions.stream().anyMatch(a -> SCOPED_SERVICES.contains(a.substring(0, a.indexOf(':'))));
            actions.forEach(a -> assertFalse(a.endsWith(":*"), "service wildcard action " + a));
            if (scoped) {
                Synth.resourcesOf(statement).forEach(r -> assertNotEquals("*", r, "wildcard resource for " + actions));
            }
        }
    }

    /** Neither inline nor separate ingress rules of the group admit 0.0.0.0/0 or ::/0. */
    @SuppressWarnings("unchecked")
    static void assertNoOpenIngress(Template template, String securityGroupId) {
        Map<String, Object> group = Synth.properties(template.findResources("AWS::EC2::SecurityGroup").get(securityGroupId));
        List<Map<String, Object>> inline = (List<Map<String, Object>>) group.getOrDefault("SecurityGroupIngress", List.of());
        Collection<Map<String, Object>> separate = template.findResources("AWS::EC2::SecurityGroupIngress").values().stream()
                .map(Synth::properties)
                .filter(p -> Map.of("Fn::GetAtt", List.of(securityGroupId, "GroupId")).equals(p.get("GroupId")))
                .toList();
        for (Map<String, Object> rule : concat(inline, separate)) {
            assertFalse("0.0.0.0/0".equals(rule.get("CidrIp")) || "::/0".equals(rule.get("CidrIpv6")),
                    securityGroupId + " is open: " + rule);
        }
    }

    private static List<Map<String, Object>> concat(List<Map<String, Object>> a, Collection<Map<String, Object>> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    /** The logical id of the task definition's task or execution role. */
    @SuppressWarnings("unchecked")
    static String roleOf(Template template, String property) {
        Map<String, Object> task = Synth.properties(template.findResources("AWS::ECS::TaskDefinition").values()
                .iterator().next());
        return ((List<String>) ((Map<String, Object>) task.get(property)).get("Fn::GetAtt")).get(0);
    }

    private static Set<String> actions(List<Map<String, Object>> statements) {
        return statements.stream().flatMap(s -> Synth.listOf(s.get("Action")).stream()).collect(Collectors.toSet());
    }
}
