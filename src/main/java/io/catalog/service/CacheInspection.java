package io.catalog.service;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.HotKeys;
import io.catalog.cache.L2Cache;
import io.catalog.model.Keys;
import io.catalog.model.SurrogateKeys;
import io.catalog.store.ProductStore;
import io.catalog.store.StoredProduct;
import io.catalog.support.Json;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * What each tier holds for a product ({@code GET /admin/cache/products/{id}}): the store read strongly consistent,
 * the shared L2 entry as it is (a marker or an unreadable entry too), and this pod's L1 entry and floor; and this
 * pod's hot keys ({@code GET /admin/cache/hot}).
 */
@ApplicationScoped
public class CacheInspection {

    private final ProductStore store;
    private final L2Cache l2;
    private final CacheCoherence coherence;
    private final Json json;

    public CacheInspection(ProductStore store, L2Cache l2, CacheCoherence coherence, Json json) {
        this.store = store;
        this.l2 = l2;
        this.coherence = coherence;
        this.json = json;
    }

    /**
     * A product's state in every tier.
     *
     * @param l2 {@code null} when L2 holds nothing (or cannot be read now)
     * @param l1 {@code null} when this pod's L1 holds nothing
     * @param floor the newest sequence of the product this pod knows of: tiers below it are not served here
     */
    @RegisterForReflection
    public record State(String id, StoreState store, L2State l2, L1State l1, long floor, List<String> surrogateKeys) {
    }

    /** The store's item: its version, its sequence ({@code X-Cache-Version}), and whether it is a tombstone. */
    @RegisterForReflection
    public record StoreState(long version, long sequence, boolean deleted) {
    }

    /**
     * The L2 entry: the product's version in it ({@code null} for a marker, a cached 404 or an unreadable entry), its
     * sequence (-1 when unreadable), its remaining time to live, and its kind: {@code document}, {@code absent} (a
     * cached 404), {@code marker} (invalidated at that sequence) or {@code unreadable}.
     */
    @RegisterForReflection
    public record L2State(Long version, long sequence, long ttlSeconds, String kind) {
    }

    /**
     * This pod's L1 entry: the product's version in it ({@code null} for a cached 404), its sequence, and whether this
     * pod's floor lets it be served.
     */
    @RegisterForReflection
    public record L1State(Long version, long sequence, boolean servable) {
    }

    /** The state of product {@code id}, or empty when the store has no item of that id. */
    public Uni<Optional<State>> inspect(String id) {
        String key = Keys.product(id);
        Uni<L2State> shared = l2.peek(key).map(this::l2State).onFailure().recoverWithNull();
        return store.read(id, true).chain(stored -> stored.isEmpty() ? Uni.createFrom().item(Optional.empty())
                : shared.map(l2State -> Optional.of(state(stored.get(), l2State))));
    }

    private State state(StoredProduct stored, L2State l2State) {
        String key = Keys.product(stored.id());
        CachedValue local = coherence.l1().get(key);
        long floor = coherence.floors().of(key);
        L1State l1State = local == null ? null
                : new L1State(productVersion(local), local.version(), local.version() >= floor);
        List<String> surrogateKeys = stored.live() ? SurrogateKeys.of(stored.product())
                : List.of(SurrogateKeys.product(stored.id()));
        return new State(stored.id(), new StoreState(stored.product().version(), stored.product().sequence(),
                stored.deleted()), l2State, l1State, floor, surrogateKeys);
    }

    /** The product's own version in a cached document ({@code version} in its JSON), or {@code null}. */
    private Long productVersion(CachedValue value) {
        if (value == null || !value.exists()) {
            return null;
        }
        JsonNode version = json.read(value.body(), JsonNode.class).path("version");
        return version.canConvertToLong() ? version.asLong() : null;
    }

    private L2State l2State(L2Cache.Entry entry) {
        if (entry == null) {
            return null;
        }
        String kind = switch (entry.kind()) {
            case 'D' -> "document";
            case 'N' -> "absent";
            case 'I' -> "marker";
            default -> "unreadable";
        };
        Long version = entry.kind() == 'D' ? productVersion(entry.value()) : null;
        return new L2State(version, entry.version(), Duration.ofMillis(Math.max(0, entry.ttlMillis())).toSeconds(),
                kind);
    }

    /** The {@code limit} most read keys of this pod, most read first. */
    public List<HotKeys.Hot> hot(int limit) {
        return coherence.hotKeys().top(limit);
    }
}
