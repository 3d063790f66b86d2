package io.catalog.service;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.Served;
import io.catalog.cache.Tier;
import io.catalog.model.Keys;
import io.catalog.model.StoredIds;
import io.catalog.model.SurrogateKeys;
import io.catalog.support.Json;
import io.smallrye.mutiny.Uni;

/**
 * List pages from product entries. A page is cached as its ordered ids (and next cursor), versioned by its listing's
 * <em>membership</em> generation, which only a product joining or leaving the listing raises; its body is assembled
 * on each read from the product entries (L1, else L2, else the store, each through the tiered cache) by
 * concatenating their prepared JSON bodies. A price change therefore invalidates the product's entry, not the pages
 * that show it.
 * <p>
 * Each id carries the sequence the listing's query saw it at: an entry older than that (a pod that has not heard of
 * the change yet, an old negative entry of a product created since) has its floor raised to it and is read again,
 * so a page is never older than its id list. An entry that no longer belongs (deleted, or moved to another category
 * since the id list was computed) is left out. The page's version is the newest of the membership generation and its
 * items' sequences: it rises with every write that changes the page.
 */
@ApplicationScoped
public class PageAssembly {

    private final Json json;
    private final CacheCoherence coherence;

    public PageAssembly(Json json, CacheCoherence coherence) {
        this.json = json;
        this.coherence = coherence;
    }

    /** The cacheable id list of a page: its members ({@link ListingMembers}) and the cursor of the next page. */
    CachedValue ids(String category, List<StoredIds.Entry> entries, String nextCursor, long generation) {
        return CachedValue.found(json.write(new StoredIds(entries, nextCursor)), generation,
                Keys.members(CatalogReads.listing(category)), SurrogateKeys.listing(category));
    }

    /** The page an id list names, with each product's entry as {@code product} serves it. */
    Uni<Served> assemble(String category, Served ids, Function<String, Uni<Served>> product) {
        StoredIds page = json.read(ids.value().body(), StoredIds.class);
        if (page.items().isEmpty()) {
            return Uni.createFrom().item(page(category, ids, List.of(), page.nextCursor()));
        }
        List<Uni<Served>> items = page.items().stream().map(entry -> item(entry, product)).toList();
        return Uni.join().all(items).andFailFast().map(served -> page(category, ids, served, page.nextCursor()));
    }

    private Uni<Served> item(StoredIds.Entry entry, Function<String, Uni<Served>> product) {
        return product.apply(entry.id()).chain(served -> {
            if (served.value().version() >= entry.sequence()) {
                return Uni.createFrom().item(served);
            }
            coherence.floors().raise(Keys.product(entry.id()), entry.sequence());
            return product.apply(entry.id());
        });
    }

    private Served page(String category, Served ids, List<Served> items, String nextCursor) {
        long version = ids.value().version();
        Tier tier = ids.tier();
        List<String> bodies = new ArrayList<>(items.size());
        String member = category == null ? null : SurrogateKeys.category(category);
        for (Served item : items) {
            CachedValue value = item.value();
            version = Math.max(version, value.version());
            tier = worst(tier, item.tier());
            if (value.exists() && (member == null || value.surrogateKeys().contains(member))) {
                bodies.add(value.body());
            }
        }
        String body = "{\"items\":[" + String.join(",", bodies) + "],\"nextCursor\":"
                + (nextCursor == null ? "null" : json.write(nextCursor)) + "}";
        CachedValue value = CachedValue.found(body, version, ids.value().token(), ids.value().surrogateKeys());
        return new Served(value.uncacheable(), tier);
    }

    private static Tier worst(Tier a, Tier b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
