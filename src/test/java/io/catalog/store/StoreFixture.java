package io.catalog.store;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import io.catalog.config.CatalogConfig;
import io.catalog.testing.Dynalite;
import io.catalog.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The store package on a dynalite of its own, without the application around it (no relay sweeping the outbox,
 * no cache): tables created by {@link TableManager} under a fresh prefix.
 */
public final class StoreFixture implements AutoCloseable {

    public final Dynalite dynalite;
    public final DynamoDbAsyncClient dynamodb;
    public final CatalogConfig config;
    public final StoreClients clients;
    public final Tables tables;

    public StoreFixture() {
        dynalite = Dynalite.start();
        try {
            dynamodb = DynamoDbAsyncClient.builder().endpointOverride(URI.create(dynalite.endpoint()))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .httpClientBuilder(AwsCrtAsyncHttpClient.builder()).build();
            config = TestConfig.catalog(Map.of("catalog.dynamodb.create-tables", "true",
                    "catalog.dynamodb.table-prefix", "unit-" + UUID.randomUUID().toString().substring(0, 8) + "-"));
            clients = new StoreClients(dynamodb, config, new SimpleMeterRegistry(), false);
            tables = new Tables(config);
            new TableManager(clients, tables, config).onStart(null);
        } catch (RuntimeException e) {
            dynalite.stop();
            throw e;
        }
    }

    public ProductStore products() {
        return new ProductStore(clients, tables, config);
    }

    /** Makes an item look as one written before every item held an outbox attribute. */
    public void removeOutboxAttribute(String id) {
        dynamodb.updateItem(b -> b.tableName(tables.products())
                .key(java.util.Map.of(Tables.ID, software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(id)))
                .updateExpression("REMOVE #o").expressionAttributeNames(java.util.Map.of("#o", Tables.OUTBOX))).join();
    }

    @Override
    public void close() {
        dynamodb.close();
        dynalite.stop();
    }
}
