package io.catalog.service;

/**
 * A write refused before anything was stored: its item already holds as many unpublished events as it may (Redis or
 * EventBridge has been unreachable while the item was written again and again). Storing one more would drop an
 * acknowledged change's event, which downstream consumers must never miss; it answers 503 with {@code Retry-After},
 * and the write succeeds once the relay has published the pending events.
 */
public class OutboxFull extends RuntimeException {

    public OutboxFull(String id, int pending) {
        super("product " + id + " already holds " + pending + " unpublished events", null, false, false);
    }
}
