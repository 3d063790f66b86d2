package io.catalog.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.catalog.cache.CachedValue;
import io.catalog.cache.Served;
import io.catalog.model.Keys;
import io.catalog.support.Json;
import io.smallrye.mutiny.Uni;

/**
 * Canonical page sizes. A page's cache key would otherwise include the requested {@code limit} (1 to 100), so a
 * client could mint a hundred distinct cache entries, DynamoDB queries and Redis entries per position. Only the
 * {@link #CANONICAL canonical sizes} are loaded and cached; a request for another {@code limit} is cut from the
 * smallest canonical page that holds it, with a cursor of its own (signed for its {@code limit}). The default
 * limit, 20, is canonical, so the common request is served as cached, without re-rendering.
 */
@ApplicationScoped
public class PageSizes {

    /** The page sizes that are loaded and cached, smallest first; the largest is the largest allowed limit. */
    public static final List<Integer> CANONICAL = List.of(10, 20, 50, 100);

    private final Json json;
    private final Cursors cursors;

    public PageSizes(Json json, Cursors cursors) {
        this.json = json;
        this.cursors = cursors;
    }

    /** The canonical size a page of {@code limit} items is cut from. */
    public static int canonical(int limit) {
        for (int size : CANONICAL) {
            if (limit <= size) {
                return size;
            }
        }
        throw new IllegalArgumentException("limit above " + CANONICAL.get(CANONICAL.size() - 1) + ": " + limit);
    }

    /**
     * Where a requested page is cut from: its canonical page's listing, size, position and cache key. The key names
     * the listing, the canonical size and the position, never the requested limit or the cursor's text, so a client
     * cannot mint cache keys.
     *
     * @param after the id the page starts after, from the request's cursor (empty: the first page)
     */
    public record Position(String listing, int size, Optional<String> after, String key) {
    }

    /**
     * A page of {@code limit} items: the canonical page at the request's position, as {@code canonical} computes it,
     * cut to {@code limit} when that is not a canonical size.
     *
     * @param cursor a cursor this service issued for this listing and {@code limit}, or {@code null}
     */
    public Uni<Served> page(String category, int limit, String cursor, Function<Position, Uni<Served>> canonical) {
        String listing = CatalogReads.listing(category);
        Optional<String> after = Optional.ofNullable(cursor).flatMap(c -> cursors.open(listing, limit, c));
        int size = canonical(limit);
        Uni<Served> page = canonical.apply(new Position(listing, size, after,
                Keys.page(category, size, after.orElse(null))));
        return size == limit ? page : page.map(served -> slice(served, listing, limit));
    }

    /**
     * The first {@code limit} items of a canonical page, with the cursor that continues after them. Not cacheable:
     * only canonical pages are. The body is re-rendered from the canonical one as a plain map, so every item keeps
     * its exact text (field order, decimal scale).
     */
    public Served slice(Served canonical, String listing, int limit) {
        CachedValue value = canonical.value();
        if (!value.exists()) {
            return canonical;
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) json.read(value.body(), Map.class).get("items");
        if (items.size() <= limit) {
            return canonical;
        }
        List<Map<String, Object>> cut = new ArrayList<>(items.subList(0, limit));
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", cut);
        page.put("nextCursor", cursors.issue(listing, limit, String.valueOf(cut.get(limit - 1).get("id"))));
        CachedValue sliced = CachedValue.found(json.write(page), value.version(), value.token(), value.surrogateKeys())
                .uncacheable();
        return new Served(sliced, canonical.tier());
    }
}
