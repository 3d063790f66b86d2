package io.catalog.health;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.catalog.store.StoreClients;
import io.catalog.store.Tables;
import io.catalog.support.Futures;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

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
        return Futures.uni(() -> clients.direct().describeTable(request))
                .ifNoItem().after(Duration.ofSeconds(2)).fail()
                .chain(r -> dax().map(dax -> HealthCheckResponse.named("dynamodb").up()
                        .withData("table", tables.products())
                        .withData("status", r.table().tableStatusAsString())
                        .withData("dax", dax).build()))
                .onFailure().recoverWithItem(f -> HealthCheckResponse.named("dynamodb").down()
                        .withData("table", tables.products())
                        .withData("error", f.getClass().getSimpleName()).build());
    }

    /**
     * DAX's state, for operators: reads fall back to DynamoDB when it fails, so it does not decide readiness (writes
     * through it do fail while it is down).
     */
    private Uni<String> dax() {
        if (!clients.daxEnabled()) {
            return Uni.createFrom().item("off");
        }
        GetItemRequest probe = GetItemRequest.builder().tableName(tables.counters())
                .key(Map.of(Tables.COUNTER_NAME, AttributeValue.fromS(Tables.EVENT_SEQUENCE))).build();
        return Futures.uni(() -> clients.itemReads().getItem(probe))
                .ifNoItem().after(Duration.ofSeconds(1)).fail()
                .map(r -> "up").onFailure().recoverWithItem("down");
    }
}
