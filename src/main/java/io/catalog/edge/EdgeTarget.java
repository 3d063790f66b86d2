package io.catalog.edge;

import java.util.Set;

import io.smallrye.mutiny.Uni;

/**
 * An edge cache that can drop what depends on some surrogate keys (Varnish with xkey, CloudFront).
 *
 * <p>
 * {@link #purge} must not block the calling thread. The {@link Uni} it returns may be subscribed again after a
 * failure (the purger retries with backoff); an implementation remembers what it has already sent for that batch so
 * that a retry only sends the rest.
 */
public interface EdgeTarget {

    /** The {@code target} tag of this target's metrics, e.g. {@code varnish}. */
    String name();

    /** Purges everything tagged with any of {@code keys} (already de-duplicated). */
    Uni<Void> purge(Set<String> keys);

    /**
     * Whether this target is also purged right after the window, not only once every pod has applied the events
     * ({@code catalog.edge.purge.settle}). Cheap targets say yes: their early purge makes the edge fresh in
     * milliseconds, their late one removes anything a lagging pod served meanwhile. Targets billed per purge say no
     * and are purged once, late.
     */
    default boolean purgeEarly() {
        return true;
    }
}
