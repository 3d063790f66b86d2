package io.catalog.service;

import java.util.ArrayList;
import java.util.List;

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

    /** Adds {@code written} at {@code now}; the chunk to publish now, {@code written} included, or {@code null}. */
    synchronized List<StoredProduct> add(StoredProduct written, long now) {
        chunk.add(written);
        if (now - began < every) {
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
