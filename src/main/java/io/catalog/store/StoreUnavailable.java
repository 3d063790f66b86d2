package io.catalog.store;

/**
 * DynamoDB (or DAX) cannot answer now: a call timed out, the connection failed, the service answered 5xx or kept
 * throttling after the SDK's backoff, or the circuit breaker is open. The one failure the web layer turns into
 * {@code 503} with {@code Retry-After} (the breaker's {@code catalog.dynamodb.breaker.delay}); anything else a store call
 * throws is a bug or a client error.
 */
public class StoreUnavailable extends RuntimeException {

    public StoreUnavailable(String operation, Throwable cause) {
        super("DynamoDB " + operation + " unavailable: " + cause, cause);
    }

    /** Whether the store was throttling (rather than hung, unreachable or failing). */
    public boolean throttled() {
        return StoreFailures.throttled(getCause());
    }
}
