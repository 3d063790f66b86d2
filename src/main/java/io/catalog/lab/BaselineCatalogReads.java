package io.catalog.lab;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import io.catalog.cache.CachedValue;
import io.catalog.cache.Served;
import io.catalog.config.CatalogConfig;
import io.catalog.model.CategorySummary;
import io.catalog.model.Keys;
import io.catalog.model.Product;
import io.catalog.model.ProductPage;
import io.catalog.model.SurrogateKeys;
import io.catalog.service.Aggregates;
import io.catalog.service.CachedCatalogReads;
import io.catalog.service.CatalogReads;
import io.catalog.service.Cursors;
import io.catalog.service.PageSizes;
import io.catalog.service.SummaryReads;
import io.catalog.store.CounterStore.Generation;
import io.catalog.store.ProductStore;
import io.catalog.store.StoredProduct;
import io.catalog.support.Json;
import io.smallrye.mutiny.Uni;

/**
 * {@link CatalogReads} of the lab's baselines ({@link CacheDesign} other than the full design): products as in the
 * full design ({@link CachedCatalogReads}); a page is one cached value versioned by its category's generation, or not
 * at all without invalidation, as in the seed; a summary is computed from the category's index unless Redis maintains
 * summaries. So the baselines measure what they always did. Never used in production ({@link DesignWiring}).
 */
@ApplicationScoped
@Typed(BaselineCatalogReads.class)
public class BaselineCatalogReads implements CatalogReads {

    private final CachedCatalogReads full;
    private final ProductStore products;
    private final Cursors cursors;
    private final PageSizes pageSizes;
    private final SummaryReads summaries;
    private final Aggregates aggregates;
    private final Json json;
    private final CacheDesign design;
    private final String currency;

    public BaselineCatalogReads(CachedCatalogReads full, ProductStore products, Cursors cursors, PageSizes pageSizes,
            SummaryReads summaries, Aggregates aggregates, Json json, CacheDesign design,
            CatalogConfig config) {
        this.full = full;
        this.products = products;
        this.cursors = cursors;
        this.pageSizes = pageSizes;
        this.summaries = summaries;
        this.aggregates = aggregates;
        this.json = json;
        this.design = design;
        this.currency = config.currency();
    }

    @Override
    public Uni<Served> product(String id) {
        return full.product(id);
    }

    @Override
    public Uni<Served> productAfterL1Miss(String id) {
        return full.productAfterL1Miss(id);
    }

    @Override
    public Uni<Served> page(String category, int limit, String cursor) {
        return pageSizes.page(category, limit, cursor, at -> aggregate(at.key(), category,
                generation -> products.page(Optional.ofNullable(category), at.size(), at.after())
                        .map(found -> pageValue(category, at.size(), found, generation))));
    }

    @Override
    public Uni<Served> summary(String category) {
        if (design.summariesInRedis()) {
            return summaries.summary(category);
        }
        return aggregate(Keys.summary(category), category, generation -> products.allInCategory(category)
                .map(found -> summaryValue(category, found, generation)));
    }

    private Uni<Served> aggregate(String key, String category, Function<Generation, Uni<CachedValue>> compute) {
        String counter = Aggregates.generationCounter(category);
        return design.invalidation() ? aggregates.versioned(key, key, counter, compute)
                : aggregates.unversioned(key, key, counter, compute);
    }

    private CachedValue pageValue(String category, int limit, List<StoredProduct> found, Generation generation) {
        List<Product> items = new ArrayList<>(found.stream().limit(limit).map(StoredProduct::product).toList());
        String next = found.size() > limit
                ? cursors.issue(CatalogReads.listing(category), limit, found.get(limit - 1).id())
                : null;
        return CachedValue.found(json.write(new ProductPage(items, next)), generation.sequence(),
                Aggregates.token(category), SurrogateKeys.listing(category));
    }

    private CachedValue summaryValue(String category, List<StoredProduct> found, Generation generation) {
        List<String> keys = SurrogateKeys.listing(category);
        if (found.isEmpty()) {
            return CachedValue.absent(generation.sequence(), Aggregates.token(category), keys);
        }
        List<BigDecimal> prices = found.stream().map(p -> p.product().price()).toList();
        return CachedValue.found(json.write(CategorySummary.of(category, prices, currency)), generation.sequence(),
                Aggregates.token(category), keys);
    }
}
