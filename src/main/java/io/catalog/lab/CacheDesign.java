package io.catalog.lab;

import io.catalog.config.CatalogConfig;

/**
 * The cache design this pod runs, resolved once at start-up from the lab's switches ({@link CatalogConfig.Lab}).
 * Production runs {@link #FULL}; the staleness lab and the benchmarks turn parts of it off to measure what each buys
 * (docs/BENCHMARKS.md). Only this package asks it: {@link DesignWiring}, to choose the parts that differ, and the
 * baselines' own page reads ({@link BaselineCatalogReads}); no class outside it reads the lab's switches or depends on
 * this package (LayeringTest).
 *
 * @param l1 whether L1 holds anything ({@code catalog.l1.enabled})
 * @param feedDriven whether L1 follows the invalidation feed (floors, acknowledgements, the lease), rather than
 *        living out its TTL ({@code catalog.l1.coordinated})
 * @param l2 whether Redis serves as a cache ({@code catalog.l2.enabled})
 * @param invalidation whether events invalidate L2 and version aggregates ({@code catalog.cache.invalidation})
 */
public record CacheDesign(boolean l1, boolean feedDriven, boolean l2, boolean invalidation) {

    /** The design as built for production: every tier, every invalidation. */
    public static final CacheDesign FULL = new CacheDesign(true, true, true, true);

    /** The design the lab's switches name. */
    public static CacheDesign of(CatalogConfig config) {
        CatalogConfig.Lab lab = config.lab();
        return new CacheDesign(lab.l1Enabled(), lab.l1Coordinated(), lab.l2Enabled(), lab.cacheInvalidation());
    }

    /** Whether this pod reads the feed, acknowledges it and trusts L1 by it: an L1 that follows the feed. */
    public boolean coordinatedL1() {
        return l1 && feedDriven;
    }

    /**
     * Whether pages are assembled from their ids and the product entries (the full design); otherwise a page is one
     * cached value versioned by its category's generation (the lab's baselines).
     */
    public boolean pagesFromEntries() {
        return coordinatedL1() && invalidation;
    }

    /** Whether Redis maintains the category summaries incrementally (not in the TTL-only baselines, not without L2). */
    public boolean summariesInRedis() {
        return invalidation && l2;
    }

    /** A short name for logs and the lab's reports: {@code full} or the parts turned off. */
    public String label() {
        if (equals(FULL)) {
            return "full";
        }
        StringBuilder off = new StringBuilder();
        off.append(l1 ? "" : " no-l1").append(l1 && !feedDriven ? " ttl-only-l1" : "").append(l2 ? "" : " no-l2")
                .append(invalidation ? "" : " no-invalidation");
        return off.toString().trim();
    }
}
