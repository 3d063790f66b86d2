package io.catalog.lab;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import io.catalog.cache.CacheCoherence;
import io.catalog.config.CatalogConfig;
import io.catalog.events.FeedApplier;
import io.catalog.events.FeedConsumer;
import io.catalog.events.FeedGap;
import io.catalog.events.PodAcks;
import io.catalog.events.RedisIdentity;
import io.catalog.events.StartupReplay;
import io.catalog.events.StreamWorkers;
import io.catalog.support.Json;
import io.catalog.support.RedisFailure;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;

/**
 * The feed where L1 does not follow it (the lab's TTL-only L1, the designs without L1): nothing is read or replayed,
 * and Redis' identity, which the feed's rounds otherwise check, is checked on a timer every
 * {@link RedisIdentity#CHECK_EVERY}, so that L2 still moves to a new key space after a restart or a failover.
 */
public class IdleFeed extends FeedConsumer {

    private static final Logger LOG = Logger.getLogger(IdleFeed.class);

    private final RedisIdentity identity;
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> timer;

    public IdleFeed(RedisDataSource redis, CacheCoherence coherence, FeedApplier applier, Json json,
            CatalogConfig config, StreamWorkers workers, PodAcks acks, RedisIdentity identity, StartupReplay replay,
            Event<FeedGap> gaps, MeterRegistry registry, ScheduledExecutorService scheduler) {
        super(redis, coherence, applier, json, config, workers, acks, identity, replay, gaps, registry);
        this.identity = identity;
        this.scheduler = scheduler;
    }

    @Override
    public void start() {
        long every = RedisIdentity.CHECK_EVERY.toMillis();
        timer = scheduler.scheduleWithFixedDelay(this::checkIdentity, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void checkIdentity() {
        try {
            identity.check();
        } catch (RuntimeException e) {
            LOG.debugf("Redis identity check failed: %s", RedisFailure.of(e).detail());
        }
    }
}
