package io.catalog.health;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.catalog.store.StoreClients;
import io.catalog.store.Tables;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;

/** Ready when the source of truth answers: without DynamoDB the service cannot answer correctly. */
@Readiness
@ApplicationScoped
public class DynamoDbReadiness implements AsyncHealthCheck {

    private final StoreClients clients;
    private final Tables tables;

    public DynamoDbReadiness(StoreClients clients, Tables tables) {
        this.clients = clients;
        this.tables = tables;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        DescribeTableRequest request = DescribeTableRequest.builder().tableName(tables.products()).build();
        return StoreClients.uni(() -> clients.direct().describeTable(request))
                .ifNoItem().after(Duration.ofSeconds(2)).fail()
                .map(r -> HealthCheckResponse.named("dynamodb").up()
                        .withData("table", tables.products())
                        .withData("status", r.table().tableStatusAsString())
                        .withData("dax", clients.daxEnabled()).build())
                .onFailure().recoverWithItem(f -> HealthCheckResponse.named("dynamodb").down()
                        .withData("table", tables.products())
                        .withData("error", f.getClass().getSimpleName()).build());
    }
}
