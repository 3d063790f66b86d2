package io.catalog.service;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.catalog.config.CacheDesign;

/**
 * The read path this pod serves, chosen once at start-up by its {@link CacheDesign}: {@link CachedCatalogReads} in
 * production, {@link BaselineCatalogReads} for the lab's baselines.
 */
public class CatalogReadsProducer {

    @Produces
    @Singleton
    CatalogReads reads(CacheDesign design, Instance<CachedCatalogReads> full,
            Instance<BaselineCatalogReads> baseline) {
        return design.pagesFromEntries() ? full.get() : baseline.get();
    }
}
