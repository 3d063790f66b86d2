package io.catalog.lab;

import java.util.concurrent.ScheduledExecutorService;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CacheCoherence;
import io.catalog.cache.L1Cache;
import io.catalog.cache.L2Cache;
import io.catalog.config.CatalogConfig;
import io.catalog.config.CatalogConfig.WriteMode;
import io.catalog.events.BeforePublish;
import io.catalog.events.EventCounters;
import io.catalog.events.FeedApplier;
import io.catalog.events.FeedConsumer;
import io.catalog.events.FeedGap;
import io.catalog.events.PodAcks;
import io.catalog.events.RedisIdentity;
import io.catalog.events.StartupReplay;
import io.catalog.events.StreamWorkers;
import io.catalog.service.CachedCatalogReads;
import io.catalog.service.CatalogReads;
import io.catalog.service.SharedCacheUpdater;
import io.catalog.store.Sequences;
import io.catalog.summary.RedisSummaries;
import io.catalog.summary.SummaryCoherence;
import io.catalog.summary.SummaryMaintainer;
import io.catalog.support.Json;
import io.catalog.support.PodIdentity;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * The one place that knows which {@link CacheDesign} this pod runs: resolved once at start-up, it chooses the parts
 * that differ between the production design and the lab's baselines. Production gets its own classes; a baseline
 * gets, for each part it turns off, a class of this package that does without it. No class outside this package
 * asks the design (LayeringTest).
 */
public class DesignWiring {

    private static final Logger LOG = Logger.getLogger(DesignWiring.class);

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

    /** What L1 may trust: the feed's word, or (L1 not following the feed) its TTL, or nothing without L1. */
    @Produces
    @Singleton
    CacheCoherence coherence(CacheDesign design, CatalogConfig config, Ticker ticker,
            @CacheName(L1Cache.NAME) Cache l1) {
        return coherence(design, config, L1Cache.of(l1, config, ticker), ticker);
    }

    static CacheCoherence coherence(CacheDesign design, CatalogConfig config, L1Cache l1, Ticker ticker) {
        return design.coordinatedL1() ? new CacheCoherence(config, l1, ticker)
                : new UncoordinatedCoherence(config, l1, ticker, design.l1());
    }

    @Produces
    @Singleton
    L2Cache l2(CacheDesign design, ReactiveRedisDataSource redis, CatalogConfig config) {
        return design.l2() ? new L2Cache(redis, config) : new AbsentL2(config.l2().keyPrefix());
    }

    @Produces
    @Singleton
    CatalogReads reads(CacheDesign design, Instance<CachedCatalogReads> full,
            Instance<BaselineCatalogReads> baseline) {
        return design.pagesFromEntries() ? full.get() : baseline.get();
    }

    @Produces
    @Singleton
    EventCounters eventCounters(CacheDesign design) {
        return design.pagesFromEntries() ? EventCounters.MEMBERSHIP : new GenerationCounters();
    }

    @Produces
    @Singleton
    SummaryMaintainer summaries(CacheDesign design, RedisSummaries summaries, SummaryCoherence local,
            Sequences sequences, MeterRegistry registry) {
        return design.summariesInRedis() ? new SummaryMaintainer(summaries, local, sequences, registry)
                : new UnmaintainedSummaries(registry);
    }

    /**
     * L2 brought up to date before a publish; without invalidation (the seed's TTL-only baseline) nothing, unless
     * write-through writes the new documents.
     */
    @Produces
    @Singleton
    BeforePublish beforePublish(CacheDesign design, CatalogConfig config, SharedCacheUpdater updater) {
        boolean writeThrough = config.cache().writeMode() == WriteMode.WRITE_THROUGH;
        return design.invalidation() || writeThrough ? updater : (items, events) -> Uni.createFrom().voidItem();
    }

    @Produces
    @Singleton
    PodAcks acks(CacheDesign design, RedisDataSource redis, CatalogConfig config, CacheCoherence coherence,
            StreamWorkers workers, Ticker ticker, MeterRegistry registry, PodIdentity identity) {
        return design.coordinatedL1() ? new PodAcks(redis, config, coherence, workers, ticker, registry, identity)
                : new NoAcks(redis, config, coherence, workers, ticker, registry, identity);
    }

    @Produces
    @Singleton
    FeedConsumer feed(CacheDesign design, RedisDataSource redis, CacheCoherence coherence, FeedApplier applier,
            Json json, CatalogConfig config, StreamWorkers workers, PodAcks acks, RedisIdentity identity,
            StartupReplay replay, Event<FeedGap> gaps, MeterRegistry registry, ScheduledExecutorService scheduler) {
        return design.coordinatedL1()
                ? new FeedConsumer(redis, coherence, applier, json, config, workers, acks, identity, replay, gaps,
                        registry)
                : new IdleFeed(redis, coherence, applier, json, config, workers, acks, identity, replay, gaps,
                        registry, scheduler);
    }
}
