package io.catalog.deploy;

import java.util.List;
import java.util.Optional;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

/**
 * The source of truth: the two DynamoDB tables, exactly as the service creates them with
 * {@code catalog.dynamodb.create-tables=true} (in AWS it runs with {@code false}), and
 * optionally the DAX cluster in front of them.
 *
 * <p>The products table carries the transactional outbox: a pending event lives on the item
 * ({@code outboxShard}, {@code outboxSeq}) and the sparse {@code outbox-index} lets the relay find it.
 */
public final class DataTier extends Construct {

    /**
     * What the service calls on the products table and its indexes (ProductStore, DynamoDbReadiness): no table
     * management, no DeleteItem (a delete is a conditional write of a tombstone), no batch writes.
     */
    static final List<String> PRODUCTS_ACTIONS = List.of(
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:Scan",
            "dynamodb:BatchGetItem", "dynamodb:DescribeTable");
    /** What the service calls on the counters table (CounterStore). */
    static final List<String> COUNTERS_ACTIONS = List.of("dynamodb:GetItem", "dynamodb:UpdateItem");
    /** What DAX calls on the tables for the service: item reads and the writes routed through it. */
    static final List<String> DAX_TABLE_ACTIONS = List.of(
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DescribeTable");

    private final Table products;
    private final Table counters;
    private final Optional<DaxCluster> dax;

    public DataTier(Construct scope, String id, StackConfig config, Network network) {
        super(scope, id);
        this.products = table("Products", config.tablePrefix() + "products", "id", "expiresAt");
        products.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName("category-index")
                .partitionKey(stringKey("category"))
                .sortKey(stringKey("id"))
                .projectionType(ProjectionType.ALL)
                .build());
        products.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName("outbox-index")
                .partitionKey(stringKey("outboxShard"))
                .sortKey(Attribute.builder().name("outboxSeq").type(AttributeType.NUMBER).build())
                .projectionType(ProjectionType.KEYS_ONLY)
                .build());
        this.counters = table("Counters", config.tablePrefix() + "counters", "name", null);
        this.dax = config.dax()
                ? Optional.of(new DaxCluster(this, "Dax", config, network, tableResources()))
                : Optional.empty();
    }

    /** A table as the service expects it; {@code ttlAttribute} may be null (no TTL). */
    private Table table(String id, String name, String partitionKey, String ttlAttribute) {
        return Table.Builder.create(this, id)
                .tableName(name)
                .partitionKey(stringKey(partitionKey))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .encryption(TableEncryption.AWS_MANAGED)
                .timeToLiveAttribute(ttlAttribute)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    private static Attribute stringKey(String name) {
        return Attribute.builder().name(name).type(AttributeType.STRING).build();
    }

    /** The ARNs of both tables and of their indexes. */
    List<String> tableResources() {
        return List.of(products.getTableArn(), products.getTableArn() + "/index/*",
                counters.getTableArn(), counters.getTableArn() + "/index/*");
    }

    /** Lets the service read and write items (directly and, when on, through DAX): only the calls it makes. */
    public void grantItemAccess(IGrantable grantee) {
        grantee.getGrantPrincipal().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(PRODUCTS_ACTIONS)
                .resources(List.of(products.getTableArn(), products.getTableArn() + "/index/*"))
                .build());
        grantee.getGrantPrincipal().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(COUNTERS_ACTIONS)
                .resources(List.of(counters.getTableArn()))
                .build());
        dax.ifPresent(cluster -> cluster.grantItemAccess(grantee));
    }

    public Table products() {
        return products;
    }

    public Table counters() {
        return counters;
    }

    public Optional<DaxCluster> dax() {
        return dax;
    }
}
