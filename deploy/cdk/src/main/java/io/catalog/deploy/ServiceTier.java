package io.catalog.deploy;

import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudfront.IDistribution;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.RepositoryAttributes;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LoadBalancerTargetOptions;
import software.amazon.awscdk.services.ecs.LogDrivers;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddApplicationActionProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddApplicationTargetsProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.FixedResponseOptions;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerAction;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCondition;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * The catalog service on ECS Fargate behind an internet-facing ALB.
 *
 * <p>Configuration reaches the container only through the documented Quarkus/MicroProfile
 * environment variables; the two secrets (Redis AUTH token, JWT public key) are ECS secrets, so
 * only the task execution role can read them and they never appear in the template.
 * The task role gets item-level access to exactly the resources the service uses.
 */
public final class ServiceTier extends Construct {

    static final String CONTAINER = "catalog";
    static final int PORT = 8080;
    static final String READY_PATH = "/q/health/ready";

    /** {@code <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>} or {@code @sha256:<digest>}. */
    private static final Pattern ECR_IMAGE =
            Pattern.compile("^(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com/([^:@]+)[:@](.+)$");

    private final FargateTaskDefinition taskDefinition;
    private final ContainerDefinition container;
    private final ApplicationLoadBalancer loadBalancer;

    public ServiceTier(Construct scope, String id, StackConfig config, Network network, DataTier data,
            CacheTier cache, EventsTier events, ISecret jwtPublicKey) {
        super(scope, id);
        Cluster cluster = Cluster.Builder.create(this, "Cluster").vpc(network.vpc()).build();
        this.taskDefinition = FargateTaskDefinition.Builder.create(this, "Task")
                .cpu(config.cpu())
                .memoryLimitMiB(config.memoryMiB())
                .build();
        this.container = taskDefinition.addContainer(CONTAINER, ContainerDefinitionOptions.builder()
                .image(image(config))
                .essential(true)
                .portMappings(List.of(PortMapping.builder().containerPort(PORT).build()))
                .environment(environment(config, data, cache, events))
                .secrets(new java.util.TreeMap<>(Map.of(
                        "QUARKUS_REDIS_PASSWORD", Secret.fromSecretsManager(cache.authToken()),
                        "MP_JWT_VERIFY_PUBLICKEY", Secret.fromSecretsManager(jwtPublicKey))))
                .logging(LogDrivers.awsLogs(AwsLogDriverProps.builder()
                        .streamPrefix("catalog")
                        .logGroup(logGroup("Logs", "/catalog/service"))
                        .build()))
                .stopTimeout(Duration.seconds(30))
                .build());
        new MetricsSidecar(this, "Metrics", taskDefinition, logGroup("MetricsLogs", "/catalog/metrics"));

        data.grantItemAccess(taskDefinition.getTaskRole());
        events.grantPublish(taskDefinition.getTaskRole());

        FargateService service = FargateService.Builder.create(this, "Service")
                .cluster(cluster)
                .taskDefinition(taskDefinition)
                .desiredCount(config.desiredCount())
                .minHealthyPercent(100)
                .maxHealthyPercent(200)
                .circuitBreaker(DeploymentCircuitBreaker.builder().rollback(true).build())
                .securityGroups(List.of(network.serviceSecurityGroup()))
                .vpcSubnets(network.privateSubnets())
                .assignPublicIp(false)
                .healthCheckGracePeriod(Duration.seconds(60))
                .build();

        this.loadBalancer = ApplicationLoadBalancer.Builder.create(this, "Alb")
                .vpc(network.vpc())
                .internetFacing(true)
                .build();
        ApplicationListener listener = listener(config);
        listener.addTargets("Catalog", AddApplicationTargetsProps.builder()
                .port(PORT)
                .protocol(ApplicationProtocol.HTTP)
                .targets(List.of(service.loadBalancerTarget(LoadBalancerTargetOptions.builder()
                        .containerName(CONTAINER).containerPort(PORT).build())))
                .healthCheck(HealthCheck.builder()
                        .path(READY_PATH)
                        .healthyHttpCodes("200")
                        .interval(Duration.seconds(15))
                        .healthyThresholdCount(2)
                        .unhealthyThresholdCount(3)
                        .build())
                .deregistrationDelay(Duration.seconds(30))
                .build());
        hideOperationsEndpoints(listener);
    }

    /**
     * The image: {@code imageUri} when given, else {@code ecrRepository:imageTag} in this account.
     * ECR images (also when given by URI) are referenced as repositories, so that the execution
     * role is granted pull on that repository only.
     */
    private ContainerImage image(StackConfig config) {
        String uri = config.imageUri().orElse(null);
        if (uri == null) {
            return ContainerImage.fromEcrRepository(
                    Repository.fromRepositoryName(this, "Repository", config.ecrRepository()), config.imageTag());
        }
        Matcher ecr = ECR_IMAGE.matcher(uri);
        if (!ecr.matches()) {
            return ContainerImage.fromRegistry(uri);
        }
        String arn = "arn:aws:ecr:" + ecr.group(2) + ":" + ecr.group(1) + ":repository/" + ecr.group(3);
        return ContainerImage.fromEcrRepository(Repository.fromRepositoryAttributes(this, "Repository",
                RepositoryAttributes.builder().repositoryArn(arn).repositoryName(ecr.group(3)).build()), ecr.group(4));
    }

    /** The event stream's name in cluster mode: hash-tagged, so that every key the service derives from it is co-located. */
    static final String CLUSTER_STREAM = "{catalog}:events";

    private Map<String, String> environment(StackConfig config, DataTier data, CacheTier cache, EventsTier events) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(PORT));
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        env.put("QUARKUS_REDIS_HOSTS", cache.url());
        if (cache.clusterMode()) {
            env.put("QUARKUS_REDIS_CLIENT_TYPE", "cluster");
            // the stream, its append markers and its consumer group in one hash slot (README: Redis Cluster)
            env.put("CATALOG_EVENTS_STREAM", CLUSTER_STREAM);
        }
        env.put("QUARKUS_DYNAMODB_AWS_REGION", Stack.of(this).getRegion());
        env.put("CATALOG_DYNAMODB_TABLE_PREFIX", config.tablePrefix());
        env.put("CATALOG_DYNAMODB_CREATE_TABLES", "false");
        data.dax().ifPresent(dax -> env.put("CATALOG_DAX_ENDPOINT", dax.discoveryUrl()));
        env.put("CATALOG_EVENTS_EVENTBRIDGE_BUS", events.bus().getEventBusName());
        env.put("MP_JWT_VERIFY_ISSUER", config.jwtIssuer());
        return env;
    }

    private LogGroup logGroup(String id, String name) {
        return LogGroup.Builder.create(this, id)
                .logGroupName(name)
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
    }

    /** HTTPS with the configured certificate, else plain HTTP (then CloudFront reaches the origin over HTTP). */
    private ApplicationListener listener(StackConfig config) {
        BaseApplicationListenerProps.Builder props = BaseApplicationListenerProps.builder().open(true);
        if (config.originCertificateArn().isPresent()) {
            props.protocol(ApplicationProtocol.HTTPS).port(443).sslPolicy(SslPolicy.RECOMMENDED_TLS)
                    .certificates(List.of(ListenerCertificate.fromArn(config.originCertificateArn().get())));
        } else {
            props.protocol(ApplicationProtocol.HTTP).port(80);
        }
        return loadBalancer.addListener("Listener", props.build());
    }

    /**
     * {@code /q/*} (health, metrics, OpenAPI) is not public: the ALB answers 404 itself. Its own
     * health checks and the metrics sidecar reach the container directly, not through a listener.
     * (ALB fixed responses cannot carry {@code application/problem+json}; the body has its shape.)
     */
    private static void hideOperationsEndpoints(ApplicationListener listener) {
        listener.addAction("HideOperations", AddApplicationActionProps.builder()
                .priority(10)
                .conditions(List.of(ListenerCondition.pathPatterns(List.of("/q/*"))))
                .action(ListenerAction.fixedResponse(404, FixedResponseOptions.builder()
                        .contentType("application/json")
                        .messageBody("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
                                + "\"detail\":\"Not found\"}")
                        .build()))
                .build());
    }

    /** Points the service's edge purge at the distribution and lets it invalidate exactly that one. */
    public void enableEdgePurge(IDistribution distribution) {
        container.addEnvironment("CATALOG_EDGE_CLOUDFRONT_DISTRIBUTION_ID", distribution.getDistributionId());
        distribution.grant(taskDefinition.getTaskRole(), "cloudfront:CreateInvalidation", "cloudfront:GetInvalidation");
    }

    public ApplicationLoadBalancer loadBalancer() {
        return loadBalancer;
    }

    public IRole taskRole() {
        return taskDefinition.getTaskRole();
    }

    public ContainerDefinition container() {
        return container;
    }
}
