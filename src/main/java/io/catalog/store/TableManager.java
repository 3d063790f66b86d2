package io.catalog.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.catalog.config.CatalogConfig;
import io.quarkus.runtime.StartupEvent;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Creates missing tables at start-up when {@code catalog.dynamodb.create-tables} is on (dev, tests, demos). In
 * production the tables come from the deployment (deploy/), with the same keys and indexes as here.
 */
@ApplicationScoped
public class TableManager {

    private static final Logger LOG = Logger.getLogger(TableManager.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Table management at start-up may take longer than the deadline of a request's store call. */
    private static final Duration DDL_TIMEOUT = Duration.ofSeconds(30);

    private final DynamoDbAsyncClient dynamodb;
    private final Tables tables;
    private final boolean create;

    public TableManager(StoreClients clients, Tables tables, CatalogConfig config) {
        this.dynamodb = clients.direct();
        this.tables = tables;
        this.create = config.dynamodb().createTables();
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        if (create) {
            createIfMissing(productsTable());
            createIfMissing(countersTable());
        }
    }

    private void createIfMissing(CreateTableRequest request) {
        try {
            dynamodb.describeTable(describe(request.tableName())).join();
            return;
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof ResourceNotFoundException)) {
                throw e;
            }
        }
        try {
            dynamodb.createTable(request.toBuilder().overrideConfiguration(o -> o.apiCallTimeout(DDL_TIMEOUT)
                    .apiCallAttemptTimeout(DDL_TIMEOUT)).build()).join();
            LOG.infof("Created table %s", request.tableName());
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof ResourceInUseException)) {
                throw e;
            }
        }
        awaitActive(request.tableName());
    }

    private void awaitActive(String table) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var status = dynamodb.describeTable(describe(table)).join().table();
            boolean indexesActive = !status.hasGlobalSecondaryIndexes() || status.globalSecondaryIndexes().stream()
                    .allMatch(i -> i.indexStatusAsString().equals("ACTIVE"));
            if (status.tableStatus() == TableStatus.ACTIVE && indexesActive) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for table " + table, e);
            }
        }
        throw new IllegalStateException("Table " + table + " did not become active within " + WAIT);
    }

    private static DescribeTableRequest describe(String table) {
        return DescribeTableRequest.builder().tableName(table)
                .overrideConfiguration(o -> o.apiCallTimeout(DDL_TIMEOUT).apiCallAttemptTimeout(DDL_TIMEOUT)).build();
    }

    CreateTableRequest productsTable() {
        return CreateTableRequest.builder().tableName(tables.products())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        attribute(Tables.ID, ScalarAttributeType.S),
                        attribute(Tables.CATEGORY, ScalarAttributeType.S),
                        attribute(Tables.OUTBOX_SHARD, ScalarAttributeType.S),
                        attribute(Tables.OUTBOX_SEQ, ScalarAttributeType.N))
                .keySchema(hash(Tables.ID))
                .globalSecondaryIndexes(
                        index(Tables.CATEGORY_INDEX, Tables.CATEGORY, Tables.ID, ProjectionType.ALL),
                        index(Tables.OUTBOX_INDEX, Tables.OUTBOX_SHARD, Tables.OUTBOX_SEQ, ProjectionType.KEYS_ONLY))
                .build();
    }

    CreateTableRequest countersTable() {
        return CreateTableRequest.builder().tableName(tables.counters())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute(Tables.COUNTER_NAME, ScalarAttributeType.S))
                .keySchema(hash(Tables.COUNTER_NAME))
                .build();
    }

    private static GlobalSecondaryIndex index(String name, String hash, String range, ProjectionType projection) {
        return GlobalSecondaryIndex.builder().indexName(name)
                .keySchema(List.of(hash(hash), KeySchemaElement.builder().attributeName(range).keyType(KeyType.RANGE).build()))
                .projection(Projection.builder().projectionType(projection).build())
                .build();
    }

    private static KeySchemaElement hash(String attribute) {
        return KeySchemaElement.builder().attributeName(attribute).keyType(KeyType.HASH).build();
    }

    private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }
}
