package io.catalog.service;

import io.catalog.model.Product;

/**
 * The outcome of an admin write.
 *
 * @param product the product as written (for a delete: its last state), or {@code null}
 */
public record WriteResult(Status status, Product product) {

    public enum Status {
        CREATED,
        UPDATED,
        DELETED,
        NOT_FOUND,
        PRECONDITION_FAILED,
        CONFLICT
    }

    static WriteResult of(Status status) {
        return new WriteResult(status, null);
    }
}
