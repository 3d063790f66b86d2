package io.catalog.edge;

import java.util.Set;

import io.smallrye.mutiny.Uni;

/**
 * An edge cache that can drop what depends on some surrogate keys (Varnish with xkey, CloudFront).
 *
 * <p>{@link #purge} must not block the calling thread. The {@link Uni} it returns may be subscribed again after a
 * failure (the purger retries with backoff); an implementation remembers what it has already sent for that batch so
 * that a retry only sends the rest.
 */
public interface EdgeTarget {

    /** The {@code target} tag of this target's metrics, e.g. {@code varnish}. */
    String name();

    /** Purges everything tagged with any of {@code keys} (already de-duplicated). */
    Uni<Void> purge(Set<String> keys);
}
