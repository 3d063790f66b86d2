package io.catalog.cache;

import java.util.function.Function;

import io.smallrye.mutiny.Uni;

/**
 * Where a cache miss goes: first a {@link Plan} (for an aggregate that means reading its category's generation,
 * which names its L2 key), then the load from the source of truth.
 */
@FunctionalInterface
public interface Source {

    Uni<Plan> plan();

    /**
     * @param l2Key the L2 key of the value (versioned keys for aggregates)
     * @param load loads the value; its argument asks for a strongly consistent read
     */
    record Plan(String l2Key, Function<Boolean, Uni<CachedValue>> load) {
    }
}
