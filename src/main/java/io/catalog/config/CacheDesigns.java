package io.catalog.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

/** Resolves the {@link CacheDesign} once, at start-up, for every class that needs to know it. */
public class CacheDesigns {

    private static final Logger LOG = Logger.getLogger(CacheDesigns.class);

    @Produces
    @Singleton
    CacheDesign design(CatalogConfig config) {
        CacheDesign design = CacheDesign.of(config);
        if (!design.equals(CacheDesign.FULL)) {
            LOG.warnf("Running a lab baseline, not the production design: %s (catalog.l1.*, catalog.l2.enabled,"
                    + " catalog.cache.invalidation)", design.label());
        }
        return design;
    }
}
