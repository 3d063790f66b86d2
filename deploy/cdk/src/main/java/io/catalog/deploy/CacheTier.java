package io.catalog.deploy;

import java.util.List;

import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.elasticache.CfnReplicationGroup;
import software.amazon.awscdk.services.elasticache.CfnSubnetGroup;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * The shared cache (L2) and event feed: an ElastiCache replication group (Valkey or Redis OSS)
 * with TLS, encryption at rest, an AUTH token kept in Secrets Manager, a replica per shard in
 * another AZ and automatic failover. Optionally sharded (cluster mode).
 *
 * <p>Failover can come back with an empty cache or a trimmed stream: the service treats that as a
 * feed gap and drops its L1, so nothing here has to guarantee durability.
 */
public final class CacheTier extends Construct {

    static final int PORT = 6379;

    private final ISecret authToken;
    private final CfnReplicationGroup replicationGroup;
    private final boolean clusterMode;

    public CacheTier(Construct scope, String id, StackConfig config, Network network) {
        super(scope, id);
        this.clusterMode = config.redisClusterMode();
        // ElastiCache AUTH tokens: 16-128 printable characters without '/', '"' or '@'
        this.authToken = Secret.Builder.create(this, "AuthToken")
                .description("AUTH token of the catalog ElastiCache replication group")
                .generateSecretString(SecretStringGenerator.builder()
                        .passwordLength(64)
                        .excludePunctuation(true)
                        .build())
                .build();

        SecurityGroup securityGroup = network.backendSecurityGroup(this, "Sg", "Catalog ElastiCache: service tasks only");
        securityGroup.addIngressRule(network.serviceSecurityGroup(), Port.tcp(PORT), "catalog service");

        CfnSubnetGroup subnets = CfnSubnetGroup.Builder.create(this, "Subnets")
                .description("Catalog ElastiCache private subnets")
                .subnetIds(network.privateSubnetIds())
                .build();

        CfnReplicationGroup.Builder group = CfnReplicationGroup.Builder.create(this, "ReplicationGroup")
                .replicationGroupDescription("Catalog L2 cache and event feed")
                .engine(config.redisEngine())
                .engineVersion(config.redisEngineVersion())
                .cacheNodeType(config.redisNodeType())
                .cacheParameterGroupName(parameterGroup(config))
                .cacheSubnetGroupName(subnets.getRef())
                .securityGroupIds(List.of(securityGroup.getSecurityGroupId()))
                .port(PORT)
                .transitEncryptionEnabled(true)
                .atRestEncryptionEnabled(true)
                .authToken(authToken.getSecretValue().unsafeUnwrap()) // a {{resolve:secretsmanager}} reference
                .automaticFailoverEnabled(true)
                .multiAzEnabled(true)
                .autoMinorVersionUpgrade(true)
                .snapshotRetentionLimit(1);
        if (clusterMode) {
            group.clusterMode("enabled")
                    .numNodeGroups(config.redisShards())
                    .replicasPerNodeGroup(config.redisReplicasPerShard());
        } else {
            group.clusterMode("disabled").numCacheClusters(1 + config.redisReplicasPerShard());
        }
        this.replicationGroup = group.build();
    }

    /** The engine's default parameter group, e.g. {@code default.valkey8} or {@code default.redis7.cluster.on}. */
    private static String parameterGroup(StackConfig config) {
        String major = config.redisEngineVersion().split("\\.")[0];
        return "default." + config.redisEngine() + major + (config.redisClusterMode() ? ".cluster.on" : "");
    }

    /** The {@code rediss://} URL the service connects to: the configuration endpoint in cluster mode, else the primary. */
    public String url() {
        String host = clusterMode ? replicationGroup.getAttrConfigurationEndPointAddress()
                : replicationGroup.getAttrPrimaryEndPointAddress();
        String port = clusterMode ? replicationGroup.getAttrConfigurationEndPointPort()
                : replicationGroup.getAttrPrimaryEndPointPort();
        return "rediss://" + host + ":" + port;
    }

    public boolean clusterMode() {
        return clusterMode;
    }

    public ISecret authToken() {
        return authToken;
    }

    public CfnReplicationGroup replicationGroup() {
        return replicationGroup;
    }
}
