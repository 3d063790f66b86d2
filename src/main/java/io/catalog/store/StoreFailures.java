package io.catalog.store;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Which failures of a store call mean "the store is unavailable" (answered 503), and which of those count against
 * the circuit breaker. A throttled attempt is retried by the SDK with exponential backoff and jitter; a throttling
 * error that still surfaces (the SDK's attempts ran out) is answered 503 but does not trip the breaker, since it is
 * usually one hot partition. Throttling that outlasts the whole call deadline ends as a timeout, which does count:
 * sustained throttling then sheds load for the breaker's delay, which is what the table needs to recover.
 */
final class StoreFailures {

    private StoreFailures() {
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Timeouts, connection failures, 5xx, throttling that outlasted the SDK's retries, an open breaker. */
    static boolean unavailable(Throwable failure) {
        Throwable t = unwrap(failure);
        return t instanceof StoreUnavailable || t instanceof CircuitBreakerOpenException || t instanceof SdkClientException
                || t instanceof AwsServiceException aws && (aws.isThrottlingException() || aws.statusCode() >= 500);
    }

    /** What opens the breaker: the store hangs, cannot be reached, or fails (not throttling, not client errors). */
    static boolean trips(Throwable failure) {
        Throwable t = unwrap(failure);
        return t instanceof SdkClientException || t instanceof AwsServiceException aws && !aws.isThrottlingException()
                && aws.statusCode() >= 500;
    }

    static boolean throttled(Throwable failure) {
        return unwrap(failure) instanceof AwsServiceException aws && aws.isThrottlingException();
    }
}
