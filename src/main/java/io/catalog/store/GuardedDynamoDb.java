package io.catalog.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.catalog.config.CatalogConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * A DynamoDB client whose every call goes through a circuit breaker (SmallRye Fault Tolerance) and fails with
 * {@link StoreUnavailable} when the store cannot answer. The per-call deadlines are the SDK's own
 * ({@code quarkus.dynamodb.api-call-timeout} and {@code api-call-attempt-timeout}), and so is the backoff with
 * jitter between retries of a throttled call; this adds what they cannot: once calls keep timing out, further
 * calls fail at once for {@link #DELAY_MILLIS} instead of each waiting for its deadline, then one trial call
 * decides whether the store is back.
 * <p>
 * A dynamic proxy of the client interface rather than a wrapper at each call site: every operation, present and
 * future, is guarded, and the stores' code stays as the SDK reads. Calls that are not asynchronous operations
 * ({@code close}, {@code serviceName}) go straight through.
 */
final class GuardedDynamoDb implements InvocationHandler {

    private static final Logger LOG = Logger.getLogger(GuardedDynamoDb.class);

    private final DynamoDbAsyncClient delegate;
    private final Guard guard;

    private GuardedDynamoDb(DynamoDbAsyncClient delegate, String name, CatalogConfig.Dynamodb.Breaker breaker,
            Consumer<CircuitBreakerState> listener) {
        this.delegate = delegate;
        this.guard = Guard.create().withDescription(name)
                .withCircuitBreaker().name(name)
                .requestVolumeThreshold(breaker.window()).failureRatio(breaker.failureRatio())
                .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS).successThreshold(1)
                .when(StoreFailures::trips)
                .onStateChange(s -> {
                    LOG.warnf("Circuit breaker %s is %s", name, s);
                    listener.accept(s);
                })
                .done().build();
    }

    /** {@code delegate} with every asynchronous operation guarded by a breaker named {@code name}. */
    static DynamoDbAsyncClient wrap(DynamoDbAsyncClient delegate, String name, CatalogConfig.Dynamodb.Breaker breaker,
            Consumer<CircuitBreakerState> listener) {
        return (DynamoDbAsyncClient) Proxy.newProxyInstance(DynamoDbAsyncClient.class.getClassLoader(),
                new Class<?>[] { DynamoDbAsyncClient.class }, new GuardedDynamoDb(delegate, name, breaker, listener));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "Guarded" + delegate;
            };
        }
        if (!CompletableFuture.class.isAssignableFrom(method.getReturnType())) {
            return direct(method, args);
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        try {
            @SuppressWarnings({ "rawtypes", "unchecked" })
            CompletionStage<Object> guarded = guard.get(() -> (CompletionStage) call(method, args), CompletionStage.class);
            guarded.whenComplete((value, failure) -> {
                if (failure == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(translate(method.getName(), failure));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(translate(method.getName(), e));
        }
        return result;
    }

    private Object call(Method method, Object[] args) {
        try {
            return direct(method, args);
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Object direct(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(delegate, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Throwable translate(String operation, Throwable failure) {
        Throwable cause = StoreFailures.unwrap(failure);
        if (StoreFailures.unavailable(cause)) {
            return cause instanceof StoreUnavailable ? cause : new StoreUnavailable(operation, cause);
        }
        return cause;
    }
}
