package io.catalog.deploy;

import java.util.List;

import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.constructs.Construct;

/**
 * The VPC (2 AZs, public subnets for the ALB and the one NAT gateway, private subnets with egress
 * for everything else) and the service's security group, which is the identity the data and
 * cache tiers admit.
 */
public final class Network extends Construct {

    private final Vpc vpc;
    private final SecurityGroup serviceSecurityGroup;

    public Network(Construct scope, String id) {
        super(scope, id);
        this.vpc = Vpc.Builder.create(this, "Vpc")
                .maxAzs(2)
                .natGateways(1)
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build(),
                        SubnetConfiguration.builder().name("private").subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                                .cidrMask(22).build()))
                // DynamoDB traffic stays off the NAT gateway (free, and no NAT data charge)
                .gatewayEndpoints(java.util.Map.of("DynamoDb", GatewayVpcEndpointOptions.builder()
                        .service(GatewayVpcEndpointAwsService.DYNAMODB).build()))
                .build();
        this.serviceSecurityGroup = SecurityGroup.Builder.create(this, "ServiceSg")
                .vpc(vpc)
                .description("Catalog service tasks")
                .allowAllOutbound(true)
                .build();
    }

    public IVpc vpc() {
        return vpc;
    }

    public ISecurityGroup serviceSecurityGroup() {
        return serviceSecurityGroup;
    }

    public SubnetSelection privateSubnets() {
        return SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();
    }

    public List<String> privateSubnetIds() {
        return vpc.selectSubnets(privateSubnets()).getSubnetIds();
    }

    /** A security group for a backend that only the service may reach. */
    public SecurityGroup backendSecurityGroup(Construct scope, String id, String description) {
        return SecurityGroup.Builder.create(scope, id)
                .vpc(vpc)
                .description(description)
                .allowAllOutbound(false)
                .build();
    }
}
