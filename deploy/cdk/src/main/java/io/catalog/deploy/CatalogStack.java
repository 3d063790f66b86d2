package io.catalog.deploy;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * The catalog service on AWS, tier by tier (see deploy/README.md for the picture):
 * CloudFront → ALB → Fargate tasks → ElastiCache (L2, event feed) and DynamoDB (through DAX
 * when on), with ProductUpdated events fanned out on EventBridge and alarms on the promises.
 */
public final class CatalogStack extends Stack {

    private final DataTier data;
    private final CacheTier cache;
    private final EventsTier events;
    private final ServiceTier service;
    private final EdgeTier edge;

    public CatalogStack(Construct scope, String id, StackProps props, StackConfig config) {
        super(scope, id, props);
        Network network = new Network(this, "Network");
        this.data = new DataTier(this, "Data", config, network);
        this.cache = new CacheTier(this, "Cache", config, network);
        this.events = new EventsTier(this, "Events");
        this.service = new ServiceTier(this, "Service", config, network, data, cache, events, jwtPublicKey(config));
        this.edge = config.cloudFront() ? new EdgeTier(this, "Edge", config, service.loadBalancer()) : null;
        if (config.edgePurge()) {
            service.enableEdgePurge(edge.distribution());
        }
        new Alarms(this, "Alarms", config, service.loadBalancer());
        outputs();
    }

    /**
     * The PEM public key that verifies admin tokens: an existing secret when named, else a new
     * one holding a placeholder that must be replaced before the service accepts any admin token.
     */
    private ISecret jwtPublicKey(StackConfig config) {
        return config.jwtPublicKeySecretName()
                .<ISecret>map(name -> Secret.fromSecretNameV2(this, "JwtPublicKey", name))
                .orElseGet(() -> Secret.Builder.create(this, "JwtPublicKey")
                        .description("PEM public key verifying catalog admin tokens (RS256); replace the placeholder")
                        .secretStringValue(SecretValue.unsafePlainText("REPLACE-WITH-PEM-PUBLIC-KEY"))
                        .build());
    }

    private void outputs() {
        output("AlbDnsName", service.loadBalancer().getLoadBalancerDnsName());
        if (edge != null) {
            output("CloudFrontDomainName", edge.distribution().getDistributionDomainName());
            output("CloudFrontDistributionId", edge.distribution().getDistributionId());
        }
        output("ProductsTable", data.products().getTableName());
        output("CountersTable", data.counters().getTableName());
        output("RedisUrl", cache.url());
        output("EventBusName", events.bus().getEventBusName());
        output("IndexingQueueUrl", events.indexingQueue().getQueueUrl());
        data.dax().ifPresent(dax -> output("DaxEndpoint", dax.discoveryUrl()));
    }

    private void output(String id, String value) {
        CfnOutput.Builder.create(this, id).value(value).build();
    }
}
