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
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.PrefixList;
import software.amazon.awscdk.services.ec2.PrefixListLookupOptions;
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
 * The catalog service on ECS Fargate behind an ALB that only CloudFront can use.
 *
 * <p>Configuration reaches the container only through the documented Quarkus/MicroProfile
 * environment variables; the three secrets (Redis AUTH token, JWT public key, cursor secret) are
 * ECS secrets, so only the task execution role can read them and they never appear in the template.
 * The task role gets item-level access to exactly the resources the service uses.
 *
 * <p>The perimeter: the ALB listens on HTTPS only (443, the configured certificate). With CloudFront
 * its security group admits only CloudFront's origin-facing servers (the managed prefix list
 * {@value #CLOUDFRONT_PREFIX_LIST}), and a listener rule forwards only requests that carry the secret
 * origin header {@value #ORIGIN_VERIFY_HEADER} that CloudFront adds; anything else gets 403 from the ALB.
 * {@code /q/*} lives on Quarkus' management interface ({@value #MANAGEMENT_PORT}), which no listener
 * forwards to: only the target group's health checks (and the collector sidecar, on localhost) reach it.
 */
public final class ServiceTier extends Construct {

    static final String CONTAINER = "catalog";
    static final int PORT = 8080;
    static final String READY_PATH = "/q/health/ready";
    /** Quarkus' management interface: health, metrics, OpenAPI; never routed by the ALB. */
    static final int MANAGEMENT_PORT = 9000;
    static final String CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing";
    /** The header CloudFront adds to every origin request; its value is a generated secret. */
    static final String ORIGIN_VERIFY_HEADER = "X-Origin-Verify";

    /** {@code <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>} or {@code @sha256:<digest>}. */
    private static final Pattern ECR_IMAGE =
            Pattern.compile("^(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com/([^:@]+)[:@](.+)$");

    private final FargateTaskDefinition taskDefinition;
    private final ContainerDefinition container;
    private final ApplicationLoadBalancer loadBalancer;
    private final software.constructs.IConstruct originRule;

    public ServiceTier(Construct scope, String id, StackConfig config, Network network, DataTier data,
            CacheTier cache, EventsTier events, ISecret jwtPublicKey, ISecret cursorSecret,
            CatalogStack.OriginSecrets originVerify) {
        super(scope, id);
        if (config.originCertificateArn().isEmpty()) {
            throw new IllegalArgumentException("originDomainName and originCertificateArn are required: the ALB"
                    + " listens on HTTPS only, so that admin tokens never cross the internet in clear text");
        }
        Cluster cluster = Cluster.Builder.create(this, "Cluster").vpc(network.vpc()).build();
        this.taskDefinition = FargateTaskDefinition.Builder.create(this, "Task")
                .cpu(config.cpu())
                .memoryLimitMiB(config.memoryMiB())
                .build();
        this.container = taskDefinition.addContainer(CONTAINER, ContainerDefinitionOptions.builder()
                .image(image(config))
                .essential(true)
                .portMappings(List.of(PortMapping.builder().containerPort(PORT).build(),
                        PortMapping.builder().containerPort(MANAGEMENT_PORT).build()))
                .environment(environment(config, data, cache, events))
                .secrets(new java.util.TreeMap<>(Map.of(
                        "QUARKUS_REDIS_PASSWORD", Secret.fromSecretsManager(cache.authToken()),
                        "MP_JWT_VERIFY_PUBLICKEY", Secret.fromSecretsManager(jwtPublicKey),
                        "CATALOG_CURSOR_SECRET", Secret.fromSecretsManager(cursorSecret))))
                .logging(LogDrivers.awsLogs(AwsLogDriverProps.builder()
                        .streamPrefix("catalog")
                        .logGroup(logGroup("Logs", "/catalog/service"))
                        .build()))
                .stopTimeout(Duration.seconds(30))
                .build());
        new CollectorSidecar(this, "Collector", taskDefinition, logGroup("MetricsLogs", "/catalog/metrics"),
                logGroup("CollectorLogs", "/catalog/otel-collector"), Stack.of(this).getRegion());

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
        // stated, not left to the default: the ALB appends the connecting address to X-Forwarded-For, keeping what
        // came before it (the service reads it from the right: CATALOG_RATE_LIMIT_TRUSTED_HOPS)
        loadBalancer.setAttribute("routing.http.xff_header_processing.mode", "append");
        loadBalancer.setAttribute("routing.http.xff_client_port.enabled", "false");
        ApplicationListener listener = listener(config);
        AddApplicationTargetsProps.Builder targets = AddApplicationTargetsProps.builder()
                .port(PORT)
                .protocol(ApplicationProtocol.HTTP)
                .targets(List.of(service.loadBalancerTarget(LoadBalancerTargetOptions.builder()
                        .containerName(CONTAINER).containerPort(PORT).build())))
                .healthCheck(HealthCheck.builder()
                        .port(String.valueOf(MANAGEMENT_PORT))
                        .path(READY_PATH)
                        .healthyHttpCodes("200")
                        .interval(Duration.seconds(15))
                        .healthyThresholdCount(2)
                        .unhealthyThresholdCount(3)
                        .build())
                .deregistrationDelay(Duration.seconds(30));
        if (config.cloudFront()) {
            admitCloudFrontOnly(config, listener, targets, originVerify);
        }
        listener.addTargets("Catalog", targets.build());
        // with conditions (CloudFront on), addTargets made a listener rule: the one that checks the origin secret
        this.originRule = config.cloudFront() ? listener.getNode().findChild("CatalogRule") : null;
        service.getConnections().allowFrom(loadBalancer, Port.tcp(MANAGEMENT_PORT), "ALB health checks");
        hideOperationsEndpoints(listener);
    }

    /**
     * Only CloudFront's origin-facing servers reach the listener (security group), and only requests with the
     * secret origin header are forwarded (listener rule); the default action refuses the rest with 403.
     */
    private void admitCloudFrontOnly(StackConfig config, ApplicationListener listener,
            AddApplicationTargetsProps.Builder targets, CatalogStack.OriginSecrets originVerify) {
        String prefixList = config.cloudFrontPrefixListId().orElseGet(() -> PrefixList.fromLookup(this,
                "CloudFrontOriginFacing", PrefixListLookupOptions.builder().prefixListName(CLOUDFRONT_PREFIX_LIST)
                        .build()).getPrefixListId());
        loadBalancer.getConnections().allowFrom(Peer.prefixList(prefixList), Port.tcp(443),
                "CloudFront origin-facing servers only");
        // this generation's value and the previous one's: CloudFront may send either while a rotation spreads
        List<String> accepted = new java.util.ArrayList<>(List.of(originVerify.current().getSecretValue().unsafeUnwrap()));
        originVerify.previous().ifPresent(previous -> accepted.add(previous.getSecretValue().unsafeUnwrap()));
        targets.priority(20).conditions(List.of(ListenerCondition.httpHeader(ORIGIN_VERIFY_HEADER, accepted)));
        listener.addAction("RefuseDirect", AddApplicationActionProps.builder()
                .action(ListenerAction.fixedResponse(403, FixedResponseOptions.builder()
                        .contentType("application/json")
                        .messageBody("{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,"
                                + "\"detail\":\"Use the CloudFront distribution\"}")
                        .build()))
                .build());
    }

    /**
     * The image: {@code imageUri} when given, else {@code ecrRepository:imageTag} in this account.
     * ECR images (also when given by URI) are referenced as repositories, so that the execution
     * role is granted pull on that repository only.
     */
    private ContainerImage image(StackConfig config) {
        String uri = config.imageUri().orElse(null);
        requirePinned(uri == null ? config.ecrRepository() + ":" + config.imageTag() : uri);
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

    /** An image named by a version tag or a digest: never {@code latest}, never no tag at all. */
    static void requirePinned(String image) {
        int slash = image.lastIndexOf('/');
        String name = image.substring(slash + 1);
        boolean tagged = name.contains("@sha256:") || (name.contains(":") && !name.endsWith(":"));
        if (!tagged || name.endsWith(":latest")) {
            throw new IllegalArgumentException("Image " + image + " is not pinned: give imageUri=<repository>:<version>"
                    + " (or @sha256:<digest>), or imageTag=<version>; never latest");
        }
    }

    /** The event stream's name in cluster mode: hash-tagged, so that every key the service derives from it is co-located. */
    static final String CLUSTER_STREAM = "{catalog}:events";

    private Map<String, String> environment(StackConfig config, DataTier data, CacheTier cache, EventsTier events) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(PORT));
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        // /q/* on the management interface (the packaged service is built with it: %prod.quarkus.management.enabled,
        // a build-time property; see deploy/README.md): the ALB health checks reach it, no listener forwards to it
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(MANAGEMENT_PORT));
        env.put("QUARKUS_MANAGEMENT_HOST", "0.0.0.0");
        env.put("QUARKUS_REDIS_HOSTS", cache.url());
        if (cache.clusterMode()) {
            env.put("QUARKUS_REDIS_CLIENT_TYPE", "cluster");
            // the stream, its append markers and its consumer group in one hash slot (docs/HOW-IT-WORKS.md: Redis Cluster)
            env.put("CATALOG_EVENTS_STREAM", CLUSTER_STREAM);
        }
        env.put("QUARKUS_DYNAMODB_AWS_REGION", Stack.of(this).getRegion());
        env.put("CATALOG_DYNAMODB_TABLE_PREFIX", config.tablePrefix());
        env.put("CATALOG_DYNAMODB_CREATE_TABLES", "false");
        data.dax().ifPresent(dax -> env.put("CATALOG_DAX_ENDPOINT", dax.discoveryUrl()));
        env.put("CATALOG_EVENTS_EVENTBRIDGE_BUS", events.bus().getEventBusName());
        env.put("MP_JWT_VERIFY_ISSUER", config.jwtIssuer());
        // who a request comes from (rate limits, live streams): X-Forwarded-For read from the right. The ALB appends
        // the address that connected to it; behind CloudFront that is an edge server, and the entry before it is the
        // viewer's address, which CloudFront appended. What a client writes itself stays further left, unread.
        env.put("CATALOG_RATE_LIMIT_CLIENT_HEADER", "X-Forwarded-For");
        env.put("CATALOG_RATE_LIMIT_TRUSTED_HOPS", config.cloudFront() ? "2" : "1");
        env.putAll(CollectorSidecar.SERVICE_ENVIRONMENT);
        return env;
    }

    private LogGroup logGroup(String id, String name) {
        return LogGroup.Builder.create(this, id)
                .logGroupName(name)
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
    }

    /**
     * HTTPS only, with the configured certificate. Open to the internet only without CloudFront (then the ALB is
     * the public entry); with CloudFront only its origin-facing servers are admitted.
     */
    private ApplicationListener listener(StackConfig config) {
        return loadBalancer.addListener("Listener", BaseApplicationListenerProps.builder()
                .open(!config.cloudFront())
                .protocol(ApplicationProtocol.HTTPS).port(443).sslPolicy(SslPolicy.RECOMMENDED_TLS)
                .certificates(List.of(ListenerCertificate.fromArn(config.originCertificateArn().orElseThrow())))
                .build());
    }

    /**
     * {@code /q/*} (health, metrics, OpenAPI) is not public: it is served on the management port, which no
     * listener forwards to, and the ALB answers 404 itself for the path on the public port too. Its own
     * health checks and the collector sidecar reach the management port directly, not through a listener.
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

    /**
     * Points the service's edge purge at the distribution and lets it invalidate exactly that one: by cache tag when
     * the distribution reads them from a header ({@code cacheTagHeader}), else by exact path.
     */
    public void enableEdgePurge(IDistribution distribution, boolean cacheTags) {
        container.addEnvironment("CATALOG_EDGE_CLOUDFRONT_DISTRIBUTION_ID", distribution.getDistributionId());
        container.addEnvironment("CATALOG_EDGE_CLOUDFRONT_INVALIDATE_BY", cacheTags ? "tags" : "paths");
        distribution.grant(taskDefinition.getTaskRole(), "cloudfront:CreateInvalidation", "cloudfront:GetInvalidation");
    }

    /** The listener rule that forwards requests carrying an accepted origin secret (CloudFront on only). */
    public software.constructs.IConstruct originRule() {
        return java.util.Objects.requireNonNull(originRule, "no origin rule without CloudFront");
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
