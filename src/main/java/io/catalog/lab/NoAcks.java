package io.catalog.lab;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Ticker;

import io.catalog.cache.CacheCoherence;
import io.catalog.config.CatalogConfig;
import io.catalog.events.Appended;
import io.catalog.events.PodAcks;
import io.catalog.events.StreamWorkers;
import io.catalog.support.PodIdentity;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Acknowledgements where L1 does not follow the feed (the lab's TTL-only L1, the designs without L1): no pod reads
 * the feed, so none acknowledges, and a write waits for none; the pod neither listens nor tells the others it leaves.
 */
public class NoAcks extends PodAcks {

    private static final Logger LOG = Logger.getLogger(NoAcks.class);

    public NoAcks(RedisDataSource redis, CatalogConfig config, CacheCoherence coherence, StreamWorkers workers,
            Ticker ticker, MeterRegistry registry, PodIdentity identity) {
        super(redis, config, coherence, workers, ticker, registry, identity);
    }

    @Override
    public void start() {
        LOG.infof("Pod id %s (L1 does not follow the feed: writes wait for no other pod)", podId());
    }

    @Override
    public void stop() {
        // nothing sent, nothing to take back
    }

    @Override
    public Uni<Void> await(Appended appended, long appendedAt) {
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> awaitEverywhere(Appended appended, long readAt) {
        return Uni.createFrom().voidItem();
    }
}
