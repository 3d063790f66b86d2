package io.catalog.deploy;

import java.util.Optional;

import software.constructs.Node;

/**
 * Everything that varies between deployments of the catalog stack, read from CDK context
 * ({@code cdk deploy -c dax=true -c imageUri=...} or {@code cdk.json}), with defaults sized for
 * a small production deployment.
 *
 * @param tablePrefix prefix of every DynamoDB table name ({@code catalog.dynamodb.table-prefix})
 * @param imageUri full container image URI; when absent the image is {@code ecrRepository:imageTag}
 *        of this account's ECR (no asset is built by CDK)
 * @param ecrRepository ECR repository name used when {@code imageUri} is absent
 * @param imageTag image tag used with {@code ecrRepository}: a pinned version, never {@code latest}
 * @param desiredCount number of Fargate tasks
 * @param cpu task CPU units (512 = 0.5 vCPU)
 * @param memoryMiB task memory in MiB
 * @param redisEngine {@code valkey} or {@code redis}
 * @param redisEngineVersion engine version, e.g. {@code 8.0} (valkey) or {@code 7.1} (redis)
 * @param redisNodeType ElastiCache node type
 * @param redisClusterMode whether the replication group runs in cluster mode (sharded)
 * @param redisShards node groups (shards) when in cluster mode
 * @param redisReplicasPerShard replicas of each shard (at least 1 for automatic failover)
 * @param dax whether a DAX cluster is created and {@code CATALOG_DAX_ENDPOINT} set
 * @param daxNodeType DAX node type
 * @param daxNodes DAX nodes (1 primary + replicas; 3 recommended for production)
 * @param cloudFront whether the CloudFront distribution is created
 * @param edgePurge whether the service purges CloudFront ({@code CATALOG_EDGE_CLOUDFRONT_DISTRIBUTION_ID})
 * @param cacheTagHeader origin response header CloudFront reads cache tags from (empty = none)
 * @param originDomainName DNS name of the ALB covered by {@code originCertificateArn}
 * @param originCertificateArn ACM certificate of the ALB; with it the origin is HTTPS-only
 * @param jwtIssuer expected {@code iss} of admin tokens ({@code mp.jwt.verify.issuer})
 * @param jwtPublicKeySecretName existing Secrets Manager secret holding the PEM public key;
 *        when absent the stack creates an empty one to be filled in
 * @param alarmEmail optional e-mail subscribed to the alarm topic
 * @param cloudFrontPrefixListId id of the managed prefix list {@code com.amazonaws.global.cloudfront.origin-facing}
 *        in the stack's region; when absent it is looked up (which needs the stack's account and region)
 * @param originVerifyGeneration generation of the secret origin header's value (1, 2, ...): CloudFront sends this
 *        generation's value, the ALB accepts it and the previous one; raising it by one and deploying rotates the
 *        value without refusing a request (deploy/README.md, "Rotating the origin secret")
 */
public record StackConfig(
        String tablePrefix,
        Optional<String> imageUri,
        String ecrRepository,
        String imageTag,
        int desiredCount,
        int cpu,
        int memoryMiB,
        String redisEngine,
        String redisEngineVersion,
        String redisNodeType,
        boolean redisClusterMode,
        int redisShards,
        int redisReplicasPerShard,
        boolean dax,
        String daxNodeType,
        int daxNodes,
        boolean cloudFront,
        boolean edgePurge,
        String cacheTagHeader,
        Optional<String> originDomainName,
        Optional<String> originCertificateArn,
        String jwtIssuer,
        Optional<String> jwtPublicKeySecretName,
        Optional<String> alarmEmail,
        Optional<String> cloudFrontPrefixListId,
        int originVerifyGeneration) {

    public StackConfig {
        if (originVerifyGeneration < 1) {
            throw new IllegalArgumentException("originVerifyGeneration must be >= 1");
        }
        if (desiredCount < 1 || redisShards < 1 || redisReplicasPerShard < 1 || daxNodes < 1) {
            throw new IllegalArgumentException("desiredCount, redisShards, redisReplicasPerShard and daxNodes must be >= 1");
        }
        if (originDomainName.isPresent() != originCertificateArn.isPresent()) {
            throw new IllegalArgumentException("originDomainName and originCertificateArn go together");
        }
        if (edgePurge && !cloudFront) {
            throw new IllegalArgumentException("edgePurge needs cloudFront");
        }
    }

    /**
     * The defaults: 3 tasks of 0.5 vCPU / 1 GiB, Valkey without cluster mode, DAX off, CloudFront with purge on. No image tag
     * and no origin certificate: a deployment must name both (the stack refuses to synthesize without them).
     */
    public static StackConfig defaults() {
        return new StackConfig("catalog-", Optional.empty(), "catalog-service", "", 3, 512, 1024,
                "valkey", "8.0", "cache.t4g.small", false, 1, 1,
                false, "dax.t3.small", 3,
                true, true, "Cache-Tag", Optional.empty(), Optional.empty(),
                "https://catalog.example.com", Optional.empty(), Optional.empty(), Optional.empty(), 1);
    }

    /** The defaults overridden by whatever context keys are set (names as the record components). */
    public static StackConfig fromContext(Node node) {
        Context c = new Context(node);
        StackConfig d = defaults();
        return new StackConfig(
                c.string("tablePrefix", d.tablePrefix),
                c.optional("imageUri"),
                c.string("ecrRepository", d.ecrRepository),
                c.string("imageTag", d.imageTag),
                c.integer("desiredCount", d.desiredCount),
                c.integer("cpu", d.cpu),
                c.integer("memoryMiB", d.memoryMiB),
                c.string("redisEngine", d.redisEngine),
                c.string("redisEngineVersion", d.redisEngineVersion),
                c.string("redisNodeType", d.redisNodeType),
                c.bool("redisClusterMode", d.redisClusterMode),
                c.integer("redisShards", d.redisShards),
                c.integer("redisReplicasPerShard", d.redisReplicasPerShard),
                c.bool("dax", d.dax),
                c.string("daxNodeType", d.daxNodeType),
                c.integer("daxNodes", d.daxNodes),
                c.bool("cloudFront", d.cloudFront),
                c.bool("edgePurge", c.bool("cloudFront", d.cloudFront) && d.edgePurge),
                c.string("cacheTagHeader", d.cacheTagHeader),
                c.optional("originDomainName"),
                c.optional("originCertificateArn"),
                c.string("jwtIssuer", d.jwtIssuer),
                c.optional("jwtPublicKeySecretName"),
                c.optional("alarmEmail"),
                c.optional("cloudFrontPrefixListId"),
                c.integer("originVerifyGeneration", d.originVerifyGeneration));
    }

    public StackConfig withImage(String uri) {
        return new StackConfig(tablePrefix, Optional.of(uri), ecrRepository, imageTag, desiredCount, cpu, memoryMiB,
                redisEngine, redisEngineVersion, redisNodeType, redisClusterMode, redisShards, redisReplicasPerShard,
                dax, daxNodeType, daxNodes, cloudFront, edgePurge, cacheTagHeader, originDomainName,
                originCertificateArn, jwtIssuer, jwtPublicKeySecretName, alarmEmail, cloudFrontPrefixListId, originVerifyGeneration);
    }

    public StackConfig withDax(boolean on) {
        return new StackConfig(tablePrefix, imageUri, ecrRepository, imageTag, desiredCount, cpu, memoryMiB,
                redisEngine, redisEngineVersion, redisNodeType, redisClusterMode, redisShards, redisReplicasPerShard,
                on, daxNodeType, daxNodes, cloudFront, edgePurge, cacheTagHeader, originDomainName,
                originCertificateArn, jwtIssuer, jwtPublicKeySecretName, alarmEmail, cloudFrontPrefixListId, originVerifyGeneration);
    }

    public StackConfig withoutCloudFront() {
        return new StackConfig(tablePrefix, imageUri, ecrRepository, imageTag, desiredCount, cpu, memoryMiB,
                redisEngine, redisEngineVersion, redisNodeType, redisClusterMode, redisShards, redisReplicasPerShard,
                dax, daxNodeType, daxNodes, false, false, cacheTagHeader, originDomainName,
                originCertificateArn, jwtIssuer, jwtPublicKeySecretName, alarmEmail, cloudFrontPrefixListId, originVerifyGeneration);
    }

    public StackConfig withRedisClusterMode(int shards) {
        return new StackConfig(tablePrefix, imageUri, ecrRepository, imageTag, desiredCount, cpu, memoryMiB,
                redisEngine, redisEngineVersion, redisNodeType, true, shards, redisReplicasPerShard,
                dax, daxNodeType, daxNodes, cloudFront, edgePurge, cacheTagHeader, originDomainName,
                originCertificateArn, jwtIssuer, jwtPublicKeySecretName, alarmEmail, cloudFrontPrefixListId, originVerifyGeneration);
    }

    public StackConfig withOriginCertificate(String domainName, String certificateArn) {
        return new StackConfig(tablePrefix, imageUri, ecrRepository, imageTag, desiredCount, cpu, memoryMiB,
                redisEngine, redisEngineVersion, redisNodeType, redisClusterMode, redisShards, redisReplicasPerShard,
                dax, daxNodeType, daxNodes, cloudFront, edgePurge, cacheTagHeader, Optional.of(domainName),
                Optional.of(certificateArn), jwtIssuer, jwtPublicKeySecretName, alarmEmail, cloudFrontPrefixListId, originVerifyGeneration);
    }

    public StackConfig withCloudFrontPrefixList(String id) {
        return new StackConfig(tablePrefix, imageUri, ecrRepository, imageTag, desiredCount, cpu, memoryMiB,
                redisEngine, redisEngineVersion, redisNodeType, redisClusterMode, redisShards, redisReplicasPerShard,
                dax, daxNodeType, daxNodes, cloudFront, edgePurge, cacheTagHeader, originDomainName,
                originCertificateArn, jwtIssuer, jwtPublicKeySecretName, alarmEmail, Optional.of(id), originVerifyGeneration);
    }

    public StackConfig withCacheTagHeader(String header) {
        return new StackConfig(tablePrefix, imageUri, ecrRepository, imageTag, desiredCount, cpu, memoryMiB,
                redisEngine, redisEngineVersion, redisNodeType, redisClusterMode, redisShards, redisReplicasPerShard,
                dax, daxNodeType, daxNodes, cloudFront, edgePurge, header, originDomainName,
                originCertificateArn, jwtIssuer, jwtPublicKeySecretName, alarmEmail, cloudFrontPrefixListId, originVerifyGeneration);
    }

    public StackConfig withOriginVerifyGeneration(int generation) {
        return new StackConfig(tablePrefix, imageUri, ecrRepository, imageTag, desiredCount, cpu, memoryMiB,
                redisEngine, redisEngineVersion, redisNodeType, redisClusterMode, redisShards, redisReplicasPerShard,
                dax, daxNodeType, daxNodes, cloudFront, edgePurge, cacheTagHeader, originDomainName,
                originCertificateArn, jwtIssuer, jwtPublicKeySecretName, alarmEmail, cloudFrontPrefixListId, generation);
    }

    public StackConfig withoutPrefixList() {
        return new StackConfig(tablePrefix, imageUri, ecrRepository, imageTag, desiredCount, cpu, memoryMiB,
                redisEngine, redisEngineVersion, redisNodeType, redisClusterMode, redisShards, redisReplicasPerShard,
                dax, daxNodeType, daxNodes, cloudFront, edgePurge, cacheTagHeader, originDomainName,
                originCertificateArn, jwtIssuer, jwtPublicKeySecretName, alarmEmail, Optional.empty(), originVerifyGeneration);
    }

    /** Context values arrive as strings from {@code -c key=value} and as JSON types from cdk.json. */
    private record Context(Node node) {

        Optional<String> optional(String key) {
            Object value = node.tryGetContext(key);
            return value == null || value.toString().isBlank() ? Optional.empty() : Optional.of(value.toString());
        }

        String string(String key, String fallback) {
            return optional(key).orElse(fallback);
        }

        int integer(String key, int fallback) {
            return optional(key).map(v -> (int) Double.parseDouble(v)).orElse(fallback);
        }

        boolean bool(String key, boolean fallback) {
            return optional(key).map(Boolean::parseBoolean).orElse(fallback);
        }
    }
}
