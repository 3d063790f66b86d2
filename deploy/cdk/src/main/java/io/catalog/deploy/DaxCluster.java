package io.catalog.deploy;

import java.util.List;
import java.util.Map;

import software.amazon.awscdk.services.dax.CfnCluster;
import software.amazon.awscdk.services.dax.CfnParameterGroup;
import software.amazon.awscdk.services.dax.CfnSubnetGroup;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * A DAX cluster in front of the catalog tables (L1 resources: aws-dax has no L2).
 *
 * <p>Encrypted at rest (SSE) and in transit (TLS endpoint, port 9111, {@code daxs://} URL).
 * Only the service's security group may connect. DAX's query cache is not invalidated by
 * writes, so the query TTL is kept short; the service reads strongly consistent (which DAX
 * passes through) wherever a stale answer would matter, e.g. checkout.
 */
public final class DaxCluster extends Construct {

    static final List<String> ITEM_ACTIONS = List.of(
            "dax:GetItem", "dax:PutItem", "dax:UpdateItem");

    /** Plain and TLS ports of a DAX node. */
    static final int PORT = 8111;
    static final int TLS_PORT = 9111;

    private final CfnCluster cluster;

    DaxCluster(Construct scope, String id, StackConfig config, Network network, List<String> tableResources) {
        super(scope, id);
        SecurityGroup securityGroup = network.backendSecurityGroup(this, "Sg", "Catalog DAX: service tasks only");
        securityGroup.addIngressRule(network.serviceSecurityGroup(), Port.tcp(PORT), "catalog service (plain)");
        securityGroup.addIngressRule(network.serviceSecurityGroup(), Port.tcp(TLS_PORT), "catalog service (TLS)");

        CfnSubnetGroup subnets = CfnSubnetGroup.Builder.create(this, "Subnets")
                .description("Catalog DAX private subnets")
                .subnetIds(network.privateSubnetIds())
                .build();
        CfnParameterGroup parameters = CfnParameterGroup.Builder.create(this, "Parameters")
                .description("Catalog DAX: short query cache, default item cache")
                .parameterNameValues(new java.util.TreeMap<>(Map.of("query-ttl-millis", "1000", "record-ttl-millis", "300000")))
                .build();

        this.cluster = CfnCluster.Builder.create(this, "Cluster")
                .description("Catalog read accelerator")
                .iamRoleArn(serviceRole(tableResources).getRoleArn())
                .nodeType(config.daxNodeType())
                .replicationFactor(config.daxNodes())
                .subnetGroupName(subnets.getRef())
                .parameterGroupName(parameters.getRef())
                .securityGroupIds(List.of(securityGroup.getSecurityGroupId()))
                .sseSpecification(CfnCluster.SSESpecificationProperty.builder().sseEnabled(true).build())
                .clusterEndpointEncryptionType("TLS")
                .build();
    }

    /** The role DAX itself assumes to read and write the tables on the service's behalf. */
    private Role serviceRole(List<String> tableResources) {
        Role role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("dax.amazonaws.com"))
                .description("Lets DAX access the catalog tables")
                .build();
        role.addToPolicy(PolicyStatement.Builder.create()
                .actions(DataTier.DAX_TABLE_ACTIONS)
                .resources(tableResources)
                .build());
        return role;
    }

    /** The DAX data-plane actions the service needs, on this cluster only. */
    void grantItemAccess(IGrantable grantee) {
        grantee.getGrantPrincipal().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(ITEM_ACTIONS)
                .resources(List.of(cluster.getAttrArn()))
                .build());
    }

    /** The cluster discovery URL, {@code daxs://<name>.<id>.dax-clusters.<region>.amazonaws.com:9111} with TLS. */
    public String discoveryUrl() {
        return cluster.getAttrClusterDiscoveryEndpointUrl();
    }

    public CfnCluster cluster() {
        return cluster;
    }
}
