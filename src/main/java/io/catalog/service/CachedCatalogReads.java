package io.catalog.service;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.CachedValue;
import io.catalog.cache.Served;
import io.catalog.cache.Source;
import io.catalog.cache.TieredCache;
import io.catalog.config.CatalogConfig;
import io.catalog.model.CategorySummary;
import io.catalog.model.Keys;
import io.catalog.model.Product;
import io.catalog.model.ProductPage;
import io.catalog.model.SurrogateKeys;
import io.catalog.store.CounterStore;
import io.catalog.store.CounterStore.Generation;
import io.catalog.store.ProductStore;
import io.catalog.store.StoreUnavailable;
import io.catalog.store.StoredProduct;
import io.catalog.store.Tables;
import io.catalog.support.Json;
import io.smallrye.mutiny.Uni;

/**
 * {@link CatalogReads} through the tiered cache. Products are versioned by their own sequence; aggregates
 * (pages, summaries) by their category's generation, read strongly consistent before the data so that a value
 * is never labelled newer than what it contains.
 */
@ApplicationScoped
public class CachedCatalogReads implements CatalogReads {

    private final LastServed lastServed;
    private final TieredCache cache;
    private final ProductStore products;
    private final CounterStore counters;
    private final Cursors cursors;
    private final PageSizes pageSizes;
    private final ProductDocuments documents;
    private final Json json;
    private final CacheCoherence coherence;
    private final IndexSettle settle;
    private final SummaryReads summaries;
    private final String currency;
    private final Duration productTtl;
    private final Duration aggregateTtl;
    private final boolean versioned;
    private final boolean pagesFromEntries;
    private final PageAssembly assembly;
    private final ListingMembers members;

    public CachedCatalogReads(TieredCache cache, ProductStore products, CounterStore counters, Cursors cursors,
            PageSizes pageSizes, ProductDocuments documents, Json json, CacheCoherence coherence, Ticker ticker,
            SummaryReads summaries, CatalogConfig config, PageAssembly assembly, ListingMembers members) {
        this.assembly = assembly;
        this.members = members;
        this.pagesFromEntries = CatalogConfig.pagesFromEntries(config);
        this.cache = cache;
        this.products = products;
        this.counters = counters;
        this.cursors = cursors;
        this.pageSizes = pageSizes;
        this.documents = documents;
        this.json = json;
        this.coherence = coherence;
        this.summaries = summaries;
        this.currency = config.currency();
        this.productTtl = config.l2().productTtl();
        this.aggregateTtl = config.l2().aggregateTtl();
        this.settle = new IndexSettle(IndexSettle.bound(config), ticker);
        this.lastServed = new LastServed(coherence);
        this.versioned = config.lab().cacheInvalidation();
    }

    @Override
    public Uni<Served> product(String id) {
        return cache.get(Keys.product(id), productSource(id), productTtl);
    }

    @Override
    public Uni<Served> productAfterL1Miss(String id) {
        return cache.getAfterL1Miss(Keys.product(id), productSource(id), productTtl);
    }

    private Source productSource(String id) {
        String key = Keys.product(id);
        return () -> Uni.createFrom().item(new Source.Plan(key,
                consistent -> products.read(id, consistent).map(found -> documents.of(id, found))));
    }

    /**
     * A page cut from its canonical page ({@link PageSizes}): the cache key names the listing, the canonical size
     * and the position, never the requested limit or the cursor's text, so a client cannot mint cache keys. In the
     * full design the canonical page is assembled from its cached ids and the product entries ({@link PageAssembly});
     * under the lab's TTL-only switches it is one cached value versioned by its category's generation.
     */
    @Override
    public Uni<Served> page(String category, int limit, String cursor) {
        String listing = CatalogReads.listing(category);
        Optional<String> after = Optional.ofNullable(cursor).flatMap(c -> cursors.open(listing, limit, c));
        int size = PageSizes.canonical(limit);
        String key = Keys.page(category, size, after.orElse(null));
        Uni<Served> canonical = pagesFromEntries
                ? aggregate(key, Keys.ids(key), Tables.membership(listing), Keys.members(listing),
                        generation -> members.page(category, size, after)
                                .map(found -> assembly.ids(category, found.entries(), found.more()
                                        ? cursors.issue(listing, size, found.entries().get(size - 1).id())
                                        : null,
                                        found.label(generation.sequence()))))
                        .chain(ids -> assembly.assemble(category, ids, this::product))
                : aggregate(key, key, generationCounter(category), token(category),
                        generation -> products.page(Optional.ofNullable(category), size, after)
                                .map(found -> pageValue(category, size, found, generation)));
        return size == limit ? canonical : canonical.map(served -> pageSizes.slice(served, listing, limit));
    }

    /** The cursor of the page after a canonical page of {@code size} (the query fetched one item more), or null. */
    private String next(String category, int size, List<StoredProduct> found) {
        return found.size() > size ? cursors.issue(CatalogReads.listing(category), size, found.get(size - 1).id())
                : null;
    }

    private CachedValue pageValue(String category, int limit, List<StoredProduct> found, Generation generation) {
        List<Product> items = new ArrayList<>(found.stream().limit(limit).map(StoredProduct::product).toList());
        String next = next(category, limit, found);
        return CachedValue.found(json.write(new ProductPage(items, next)), generation.sequence(),
                token(category), SurrogateKeys.listing(category));
    }

    /** From what Redis maintains ({@link SummaryReads}); in the lab's TTL-only baselines, computed as before. */
    @Override
    public Uni<Served> summary(String category) {
        if (summaries.enabled()) {
            return summaries.summary(category);
        }
        return aggregate(Keys.summary(category), Keys.summary(category), generationCounter(category), token(category),
                generation -> products.allInCategory(category)
                        .map(found -> summaryValue(category, found, generation)));
    }

    private CachedValue summaryValue(String category, List<StoredProduct> found, Generation generation) {
        List<String> keys = SurrogateKeys.listing(category);
        if (found.isEmpty()) {
            return CachedValue.absent(generation.sequence(), token(category), keys);
        }
        List<BigDecimal> prices = found.stream().map(p -> p.product().price()).toList();
        return CachedValue.found(json.write(CategorySummary.of(category, prices, currency)), generation.sequence(),
                token(category), keys);
    }

    /**
     * An aggregate versioned by a counter (a category's or the catalog's generation, or a listing's membership
     * generation): the counter first, then the data; an aggregate computed while the index may still lag behind the
     * counter's newest change is served but not cached. While the store hangs, what this pod last served of it stands in
     * ({@link LastServed}). {@code l2Key} names its L2 entries (with the generation). Without
     * invalidation (the lab's TTL-only baseline)
     * aggregates are not versioned: they live until their TTL.
     */
    private Uni<Served> aggregate(String key, String l2Key, String counter, String token,
            Function<Generation, Uni<CachedValue>> compute) {
        Uni<Generation> current = versioned ? generation(counter, token) : Uni.createFrom().item(Generation.NONE);
        Source source = () -> current.map(generation -> {
            boolean settled = settle.settled(counter, generation.sequence());
            return new Source.Plan(Keys.atGeneration(l2Key, generation.sequence()),
                    consistent -> compute.apply(generation).map(value -> settled ? value : value.uncacheable()));
        });
        return lastServed.guard(key, cache.get(key, source, aggregateTtl));
    }

    private static String generationCounter(String category) {
        return category == null ? Tables.catalogGeneration() : Tables.categoryGeneration(category);
    }

    /**
     * A generation from the store; while the store cannot answer, the one this pod knows from its feed (the floor
     * of the aggregate's token), provided the feed is trusted: L2 entries under that generation are then still
     * correct to serve, exactly as L1 entries are.
     */
    private Uni<Generation> generation(String counter, String token) {
        return counters.generation(counter).onFailure(StoreUnavailable.class).recoverWithUni(failure -> {
            long known = coherence.floors().of(token);
            return coherence.l1Trusted() && known > 0 ? Uni.createFrom().item(new Generation(known, 0))
                    : Uni.createFrom().failure(failure);
        });
    }

    private static String token(String category) {
        return category == null ? Keys.ALL_PRODUCTS : Keys.category(category);
    }
}
