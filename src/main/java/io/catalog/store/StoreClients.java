package io.catalog.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.catalog.config.CatalogConfig;
import io.catalog.support.Futures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.annotations.RegisterForProxy;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.mutiny.Uni;
import software.amazon.awssdk.auth.credentials.CredentialUtils;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.dax.ClusterDaxAsyncClient;
import software.amazon.dax.Configuration;

/**
 * The DynamoDB clients, by purpose, each behind a circuit breaker ({@link GuardedDynamoDb}): a store that hangs or
 * throttles fails calls with {@link StoreUnavailable} within the SDK's call deadline, or at once while the breaker
 * is open. With {@code catalog.dax.endpoint} set, item reads and writes go through DAX
 * (writes through DAX keep its item cache current); strongly consistent reads for checkout and queries that feed
 * aggregates always go to DynamoDB itself, because DAX's query cache is not invalidated by writes.
 */
@ApplicationScoped
@RegisterForProxy(targets = DynamoDbAsyncClient.class)
public class StoreClients {

    private static final Logger LOG = Logger.getLogger(StoreClients.class);

    private final DynamoDbAsyncClient dynamodb;
    private final DynamoDbAsyncClient dax;
    private final Counter daxFallbacks;
    private volatile CircuitBreakerState breaker = CircuitBreakerState.CLOSED;

    @Inject
    public StoreClients(DynamoDbAsyncClient dynamodb, CatalogConfig config, MeterRegistry registry) {
        this(dynamodb, config, registry, true);
    }

    /**
     * With {@code guarded} false, calls go to DynamoDB without the circuit breaker: for tests of the store outside
     * Quarkus, where SmallRye Fault Tolerance has no container to run in.
     */
    StoreClients(DynamoDbAsyncClient dynamodb, CatalogConfig config, MeterRegistry registry, boolean guarded) {
        this.dynamodb = guarded
                ? GuardedDynamoDb.wrap(dynamodb, "dynamodb", config.dynamodb().breaker(), state -> breaker = state)
                : dynamodb;
        this.daxFallbacks = Counter.builder("catalog.store.dax.fallbacks")
                .description("Reads that went to DynamoDB because DAX failed").register(registry);
        this.dax = config.dax().endpoint()
                .map(endpoint -> GuardedDynamoDb.wrap(dax(endpoint, config, dynamodb), "dax", config.dynamodb().breaker(),
                        state -> {
                        }))
                .orElse(null);
        Gauge.builder("catalog.store.breaker.open", this, c -> c.breaker == CircuitBreakerState.CLOSED ? 0 : 1)
                .description("1 while DynamoDB calls fail fast because the store stopped answering").register(registry);
    }

    /** The state of DynamoDB's circuit breaker: not CLOSED while calls fail fast or a trial call is out. */
    public CircuitBreakerState breaker() {
        return breaker;
    }

    private static DynamoDbAsyncClient dax(String endpoint, CatalogConfig config, DynamoDbAsyncClient dynamodb) {
        Region region = config.dax().region().map(Region::of)
                .orElseGet(() -> dynamodb.serviceClientConfiguration().region());
        LOG.infof("Item reads and writes go through DAX at %s (%s)", endpoint, region);
        try {
            return ClusterDaxAsyncClient.builder()
                    .overrideConfiguration(Configuration.builder()
                            .url(endpoint)
                            .region(region)
                            .credentialsProvider(CredentialUtils.toCredentialsProvider(
                                    dynamodb.serviceClientConfiguration().credentialsProvider()))
                            .build())
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot reach DAX at " + endpoint, e);
        }
    }

    /** Eventually consistent item reads: DAX when configured. */
    public DynamoDbAsyncClient itemReads() {
        return dax != null ? dax : dynamodb;
    }

    /** Item writes: DAX when configured, so that its item cache is written through. */
    public DynamoDbAsyncClient writes() {
        return dax != null ? dax : dynamodb;
    }

    /** DynamoDB itself: strongly consistent reads, index queries, table management. */
    public DynamoDbAsyncClient direct() {
        return dynamodb;
    }

    /**
     * An eventually consistent read through DAX that falls back to DynamoDB when DAX fails: a DAX outage costs
     * latency, not availability. (A stale answer from DAX's item cache is caught by the caller's version floor and
     * re-read strongly consistent, so falling back never trades correctness.)
     */
    public <T> Uni<T> throughDax(Supplier<CompletableFuture<T>> viaDax, Supplier<CompletableFuture<T>> direct) {
        if (dax == null) {
            return Futures.uni(direct);
        }
        return Futures.uni(viaDax).onFailure().recoverWithUni(failure -> {
            daxFallbacks.increment();
            LOG.debugf("DAX read failed, reading DynamoDB: %s", failure.toString());
            return Futures.uni(direct);
        });
    }

    public boolean daxEnabled() {
        return dax != null;
    }

    @PreDestroy
    void close() {
        if (dax != null) {
            dax.close();
        }
    }
}
