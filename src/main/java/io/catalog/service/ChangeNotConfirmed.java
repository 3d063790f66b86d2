package io.catalog.service;

/**
 * A change is stored (with its event, in the item's outbox) but could not be published in time (Redis unreachable or
 * slow), so the service cannot confirm that no instance still answers the older version: the write is not
 * acknowledged. It answers 503 with {@code Retry-After}; the outbox relay publishes the change once Redis answers, and
 * from then on every instance serves it. A client that retries should read first (or send {@code If-Match}): the
 * change may already be in place.
 */
public class ChangeNotConfirmed extends RuntimeException {

    public ChangeNotConfirmed(Throwable cause) {
        super("the change is stored but could not be published: " + cause, cause, false, false);
    }
}
