package io.catalog.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The deployed perimeter (issue 11): CloudFront reaches the ALB over HTTPS only; the ALB admits only CloudFront (its
 * origin-facing prefix list, and the secret origin header CloudFront adds); {@code /q/*} is on the management port,
 * which only health checks reach; the task role holds only the calls the code makes; images are pinned; the cursor
 * secret is generated.
 */
class PerimeterTest {

    private final Template template = Synth.template(Synth.DAX_ON);

    @Test
    void theLoadBalancerListensOnHttpsOnly() {
        Map<String, Map<String, Object>> listeners = template.findResources("AWS::ElasticLoadBalancingV2::Listener");
        assertEquals(1, listeners.size(), listeners::toString);
        Map<String, Object> listener = Synth.properties(listeners.values().iterator().next());
        assertEquals(443, listener.get("Port"));
        assertEquals("HTTPS", listener.get("Protocol"));
        assertTrue(listener.get("SslPolicy").toString().startsWith("ELBSecurityPolicy-TLS13"), listener::toString);
    }

    @Test
    void theLoadBalancerAdmitsOnlyCloudFrontsOriginFacingServers() {
        String alb = template.findResources("AWS::EC2::SecurityGroup").keySet().stream()
                .filter(id -> id.startsWith("ServiceAlb")).findFirst().orElseThrow();
        assertFalse(Synth.properties(template.findResources("AWS::EC2::SecurityGroup").get(alb))
                .containsKey("SecurityGroupIngress"), "no inline ingress");
        List<Map<String, Object>> ingress = template.findResources("AWS::EC2::SecurityGroupIngress").values().stream()
                .map(Synth::properties)
                .filter(p -> Map.of("Fn::GetAtt", List.of(alb, "GroupId")).equals(p.get("GroupId")))
                .toList();
        assertEquals(1, ingress.size(), ingress::toString);
        assertEquals(Map.of("IpProtocol", "tcp", "FromPort", 443, "ToPort", 443,
                "SourcePrefixListId", Synth.CLOUDFRONT_PREFIX_LIST,
                "GroupId", Map.of("Fn::GetAtt", List.of(alb, "GroupId")),
                "Description", "CloudFront origin-facing servers only"), ingress.get(0));
    }

    @Test
    void withoutAGivenPrefixListItIsLookedUpByName() {
        App app = new App();
        CatalogStack stack = new CatalogStack(app, "Lookup", StackProps.builder()
                .env(software.amazon.awscdk.Environment.builder().account("123456789012").region("eu-west-1").build())
                .build(), Synth.DEFAULTS.withImage("123456789012.dkr.ecr.eu-west-1.amazonaws.com/catalog-service:1.0.0")
                        .withoutPrefixList());
        assertTrue(app.synth().getManifest().getMissing().stream()
                .anyMatch(m -> m.getKey().contains(ServiceTier.CLOUDFRONT_PREFIX_LIST)),
                "a context lookup of " + ServiceTier.CLOUDFRONT_PREFIX_LIST);
        assertTrue(stack.getNode().getChildren().size() > 0);
    }

    @Test
    void onlyRequestsWithTheSecretOriginHeaderAreForwardedTheRestIs403() {
        template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Map.of("DefaultActions", List.of(
                Match.objectLike(Map.of("Type", "fixed-response",
                        "FixedResponseConfig", Match.objectLike(Map.of("StatusCode", "403")))))));
        template.hasResourceProperties("AWS::ElasticLoadBalancingV2::ListenerRule", Map.of(
                "Conditions", List.of(Match.objectLike(Map.of("Field", "http-header",
                        "HttpHeaderConfig", Map.of("HttpHeaderName", ServiceTier.ORIGIN_VERIFY_HEADER,
                                "Values", List.of(Match.objectLike(Map.of("Fn::Join", Match.anyValue()))))))),
                "Actions", List.of(Match.objectLike(Map.of("Type", "forward")))));
        String rules = template.findResources("AWS::ElasticLoadBalancingV2::ListenerRule").toString();
        assertTrue(rules.contains("{{resolve:secretsmanager:") && rules.contains("OriginVerify"), rules);
    }

    @Test
    void cloudFrontAddsTheSecretOriginHeaderFromSecretsManager() {
        String distribution = template.findResources("AWS::CloudFront::Distribution").toString();
        assertTrue(distribution.contains("HeaderName=" + ServiceTier.ORIGIN_VERIFY_HEADER), distribution);
        assertTrue(distribution.contains("{{resolve:secretsmanager:") && distribution.contains("OriginVerify"),
                distribution);
        template.hasResourceProperties("AWS::SecretsManager::Secret", Map.of(
                "Description", Match.stringLikeRegexp("X-Origin-Verify.*"),
                "GenerateSecretString", Match.objectLike(Map.of("ExcludePunctuation", true, "PasswordLength", 48))));
    }

    static String serviceProperties() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("../../src/main/resources/application.properties"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The logical ids of the secrets named {@code OriginVerify...} that {@code text} resolves. */
    private static Set<String> originSecretsIn(Template template, String text) {
        return template.findResources("AWS::SecretsManager::Secret").keySet().stream()
                .filter(id -> id.startsWith("OriginVerify") && text.contains(id)).collect(Collectors.toSet());
    }

    @Test
    void aRotatedOriginSecretIsAcceptedBesideThePreviousOneUntilCloudFrontSendsIt() {
        Template first = Synth.template(Synth.DEFAULTS);
        String firstRule = first.findResources("AWS::ElasticLoadBalancingV2::ListenerRule").toString();
        assertEquals(1, originSecretsIn(first, firstRule).size(), firstRule);

        Template rotated = Synth.template(Synth.DEFAULTS.withOriginVerifyGeneration(2));
        Map<String, Map<String, Object>> rules = rotated.findResources("AWS::ElasticLoadBalancingV2::ListenerRule");
        String rule = rules.toString();
        Set<String> accepted = originSecretsIn(rotated, rule);
        assertEquals(2, accepted.size(), "the ALB accepts generations 2 and 1: " + rule);
        List<?> values = rules.values().stream().map(Synth::properties)
                .flatMap(p -> ((List<?>) p.get("Conditions")).stream()).map(c -> (Map<?, ?>) c)
                .filter(c -> "http-header".equals(c.get("Field")))
                .map(c -> (List<?>) ((Map<?, ?>) c.get("HttpHeaderConfig")).get("Values")).findFirst().orElseThrow();
        assertEquals(2, values.size(), "two accepted values: " + values);
        Map.Entry<String, Map<String, Object>> distribution = rotated.findResources("AWS::CloudFront::Distribution")
                .entrySet().iterator().next();
        String origin = Synth.properties(distribution.getValue()).toString();
        Set<String> sent = originSecretsIn(rotated, origin);
        assertEquals(1, sent.size(), origin);
        assertTrue(sent.iterator().next().startsWith("OriginVerify2"), "CloudFront sends generation 2: " + sent);
        assertTrue(accepted.containsAll(sent));
        String firstGeneration = first.findResources("AWS::SecretsManager::Secret").keySet().stream()
                .filter(id -> id.startsWith("OriginVerify")).findFirst().orElseThrow();
        assertTrue(accepted.contains(firstGeneration), "generation 1 keeps its logical id (the deployed secret)");
        Object dependsOn = distribution.getValue().get("DependsOn");
        assertTrue(dependsOn != null && rules.keySet().stream().anyMatch(id -> dependsOn.toString().contains(id)),
                "CloudFront is updated after the listener rule: " + dependsOn);
    }

    @Test
    void theClientIsTheViewerAddressCloudFrontAppendedReadFromTheRight() {
        Map<String, Object> env = ServiceTierTest.environment(template);
        assertEquals("X-Forwarded-For", env.get("CATALOG_RATE_LIMIT_CLIENT_HEADER"));
        assertEquals("2", env.get("CATALOG_RATE_LIMIT_TRUSTED_HOPS"), "CloudFront's entry, then the ALB's");
        Map<String, Object> alone = ServiceTierTest.environment(Synth.template(Synth.DEFAULTS.withoutCloudFront()));
        assertEquals("X-Forwarded-For", alone.get("CATALOG_RATE_LIMIT_CLIENT_HEADER"));
        assertEquals("1", alone.get("CATALOG_RATE_LIMIT_TRUSTED_HOPS"), "the ALB's own entry");
        template.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", Map.of("LoadBalancerAttributes",
                Match.arrayWith(List.of(Map.of("Key", "routing.http.xff_header_processing.mode", "Value", "append")))));
    }

    @Test
    void operationsEndpointsLiveOnTheManagementPortThatOnlyHealthChecksReach() {
        Map<String, Object> env = ServiceTierTest.environment(template);
        // the management interface is a build-time setting: the packaged service has it in its prod profile
        assertTrue(serviceProperties().contains("\n%prod.quarkus.management.enabled=true\n"),
                "the service's application.properties turns the management interface on in prod");
        assertEquals("9000", env.get("QUARKUS_MANAGEMENT_PORT"));
        template.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Map.of(
                "Port", ServiceTier.PORT, "HealthCheckPort", "9000", "HealthCheckPath", ServiceTier.READY_PATH));
        template.resourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 1);
        String serviceSg = Synth.resource(template, "AWS::EC2::SecurityGroup", "GroupDescription",
                "Catalog service tasks").getKey();
        List<Object> servicePorts = template.findResources("AWS::EC2::SecurityGroupIngress").values().stream()
                .map(Synth::properties)
                .filter(p -> Map.of("Fn::GetAtt", List.of(serviceSg, "GroupId")).equals(p.get("GroupId")))
                .map(p -> p.get("FromPort")).collect(Collectors.toList());
        assertEquals(Set.of(ServiceTier.PORT, ServiceTier.MANAGEMENT_PORT), Set.copyOf(servicePorts),
                "the service admits the ALB on its port and the health checks on the management port only");
        assertTrue(CollectorSidecar.config("/catalog/metrics", "us-east-1").contains("localhost:9000"));
    }

    @Test
    void theTaskRoleHoldsOnlyTheCallsTheCodeMakes() {
        Set<String> actions = Synth.statementsOf(template, SecurityTest.roleOf(template, "TaskRoleArn")).stream()
                .flatMap(s -> Synth.listOf(s.get("Action")).stream()).collect(Collectors.toSet());
        Set<String> expected = new java.util.TreeSet<>(List.of(
                // ProductStore, CounterStore, DynamoDbReadiness
                "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:Scan",
                "dynamodb:BatchGetItem", "dynamodb:DescribeTable",
                // StoreClients through DAX: item reads and writes
                "dax:GetItem", "dax:PutItem", "dax:UpdateItem",
                // EventBridgeSink, CloudFrontTarget
                "events:PutEvents", "cloudfront:CreateInvalidation", "cloudfront:GetInvalidation",
                // the collector sidecar: its metrics log group, traces to X-Ray
                "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams",
                "xray:PutTraceSegments", "xray:PutTelemetryRecords"));
        assertEquals(expected, new java.util.TreeSet<>(actions));
        for (String unused : List.of("dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
                "dax:Query", "dax:Scan", "dax:DeleteItem")) {
            assertFalse(actions.contains(unused), unused);
        }
    }

    @Test
    void everyImageIsPinned() {
        String containers = template.findResources("AWS::ECS::TaskDefinition").toString();
        assertFalse(containers.contains(":latest"), containers);
        assertTrue(containers.contains(CollectorSidecar.IMAGE), containers);
        for (String unpinned : List.of("repo/catalog:latest", "repo/catalog", "repo/catalog:",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/catalog-service:latest")) {
            assertThrows(IllegalArgumentException.class, () -> ServiceTier.requirePinned(unpinned), unpinned);
        }
        ServiceTier.requirePinned("repo:5000/catalog:1.2.3");
        ServiceTier.requirePinned("repo/catalog@sha256:0123456789abcdef");
        assertThrows(IllegalArgumentException.class, () -> Synth.template(StackConfig.defaults()
                .withOriginCertificate("origin.catalog.example.com", Synth.CERTIFICATE)), "no image tag at all");
    }

    @Test
    void theCursorSecretIsGeneratedInSecretsManagerAndPassedToTheTask() {
        String cursorSecret = Synth.resource(template, "AWS::SecretsManager::Secret", "Description",
                "Signs the catalog's pagination cursors (CATALOG_CURSOR_SECRET)").getKey();
        template.hasResourceProperties("AWS::SecretsManager::Secret", Map.of(
                "Description", "Signs the catalog's pagination cursors (CATALOG_CURSOR_SECRET)",
                "GenerateSecretString", Match.objectLike(Map.of("PasswordLength", 48))));
        template.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of("ContainerDefinitions", Match.arrayWith(List.of(
                Match.objectLike(Map.of("Name", ServiceTier.CONTAINER, "Secrets", Match.arrayWith(List.of(
                        Map.of("Name", "CATALOG_CURSOR_SECRET", "ValueFrom", Map.of("Ref", cursorSecret))))))))));
        assertFalse(ServiceTierTest.environment(template).containsKey("CATALOG_CURSOR_SECRET"));
    }

    @Test
    void withoutAnOriginCertificateTheStackRefusesToSynthesize() {
        StackConfig plain = StackConfig.defaults()
                .withImage("123456789012.dkr.ecr.us-east-1.amazonaws.com/catalog-service:1.0.0");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Synth.template(plain));
        assertTrue(refused.getMessage().contains("HTTPS only"), refused::getMessage);
    }
}
