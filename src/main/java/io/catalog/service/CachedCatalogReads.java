package io.catalog.service;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import io.catalog.cache.Served;
import io.catalog.cache.Source;
import io.catalog.cache.TieredCache;
import io.catalog.config.CatalogConfig;
import io.catalog.model.Keys;
import io.catalog.store.ProductStore;
import io.catalog.store.Tables;
import io.smallrye.mutiny.Uni;

/**
 * {@link CatalogReads} through the tiered cache, the full design. Products are versioned by their own sequence; a
 * page is assembled from its cached ids (versioned by its listing's membership generation) and the product entries
 * ({@link PageAssembly}); summaries are what Redis maintains ({@link SummaryReads}). The lab's baselines read through
 * their own {@link CatalogReads} ({@code lab.BaselineCatalogReads}), chosen at start-up by {@code lab.DesignWiring}.
 */
@ApplicationScoped
@Typed(CachedCatalogReads.class)
public class CachedCatalogReads implements CatalogReads {

    private final TieredCache cache;
    private final ProductStore products;
    private final Cursors cursors;
    private final PageSizes pageSizes;
    private final ProductDocuments documents;
    private final SummaryReads summaries;
    private final Duration productTtl;
    private final Aggregates aggregates;
    private final PageAssembly assembly;
    private final ListingMembers members;
    private final VersionRepeats repeats;
    private final AggregateLabels labels;

    public CachedCatalogReads(TieredCache cache, ProductStore products, Cursors cursors, PageSizes pageSizes,
            ProductDocuments documents, SummaryReads summaries, Aggregates aggregates, PageAssembly assembly,
            ListingMembers members, VersionRepeats repeats, AggregateLabels labels, CatalogConfig config) {
        this.cache = cache;
        this.products = products;
        this.cursors = cursors;
        this.pageSizes = pageSizes;
        this.documents = documents;
        this.summaries = summaries;
        this.aggregates = aggregates;
        this.assembly = assembly;
        this.members = members;
        this.repeats = repeats;
        this.labels = labels;
        this.productTtl = config.l2().productTtl();
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
     * A page cut from its canonical page ({@link PageSizes#page}), which is assembled from its cached ids and the
     * product entries ({@link PageAssembly}), served under the label {@link AggregateLabels} issues for its body.
     */
    @Override
    public Uni<Served> page(String category, int limit, String cursor) {
        String key = CatalogReads.listing(category) + "|" + limit + "|" + cursor;
        return pageSizes.page(category, limit, cursor, at -> aggregates.versioned(at.key(), Keys.ids(at.key()),
                Tables.membership(at.listing()), generation -> members.page(category, at.size(), at.after())
                        .map(found -> assembly.ids(category, found.entries(), found.more()
                                ? cursors.issue(at.listing(), at.size(), found.entries().get(at.size() - 1).id())
                                : null,
                                found.label(generation.sequence()))))
                .chain(ids -> assembly.assemble(category, ids, this::product)))
                .chain(served -> labels.page(key, served))
                .map(served -> repeats.page(key, served));
    }

    /** From what Redis maintains ({@link SummaryReads}), under the label {@link AggregateLabels} issues for it. */
    @Override
    public Uni<Served> summary(String category) {
        return summaries.summary(category).chain(served -> labels.summary(category, served))
                .map(served -> repeats.summary(category, served));
    }
}
