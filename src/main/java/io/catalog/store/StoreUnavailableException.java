package io.catalog.store;

/**
 * DynamoDB could not complete a read in time (keys left unprocessed round after round, throttling): the caller
 * answers 503 with {@code Retry-After}, as for any other store outage.
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message) {
        super(message, null, false, false);
    }
}
