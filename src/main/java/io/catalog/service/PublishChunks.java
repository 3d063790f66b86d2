package io.catalog.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.catalog.store.StoredProduct;

/**
 * The items of a batch written so far and not yet published, cut into a chunk to publish once {@code every}
 * nanoseconds have passed since the chunk began (the batch's start for the first): a batch done within that publishes
 * once, at its end ({@link #rest}). Safe for the writes' concurrent completions.
 */
final class PublishChunks {

    private final long every;
    private List<StoredProduct> chunk = new ArrayList<>();
    private long began;

    /** Chunks of at least {@code every} nanoseconds, the first beginning at {@code now} (a {@link System#nanoTime}). */
    PublishChunks(long every, long now) {
        this.every = every;
        this.began = now;
    }

    /**
     * Adds {@code written} (if present: an item written again on its own published itself) at {@code now}; the chunk
     * to publish now, {@code written} included, or {@code null}.
     */
    synchronized List<StoredProduct> add(Optional<StoredProduct> written, long now) {
        written.ifPresent(chunk::add);
        if (now - began < every || chunk.isEmpty()) {
            return null;
        }
        List<StoredProduct> due = chunk;
        chunk = new ArrayList<>();
        began = now;
        return due;
    }

    /** What was added since the last chunk, for the batch's last publish. */
    synchronized List<StoredProduct> rest() {
        List<StoredProduct> rest = chunk;
        chunk = new ArrayList<>();
        return rest;
    }
}
