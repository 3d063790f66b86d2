package io.catalog.edge;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.catalog.config.CatalogConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.core.Vertx;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudfront.CloudFrontAsyncClient;
import software.amazon.awssdk.services.cloudfront.CloudFrontAsyncClientBuilder;

/**
 * The edge targets switched on by configuration: Varnish when {@code catalog.edge.purge.varnish-urls} is set,
 * CloudFront when {@code catalog.edge.cloudfront.distribution-id} is set (by cache tag or by path:
 * {@code catalog.edge.cloudfront.invalidate-by}; asynchronous SDK client on the AWS CRT
 * HTTP client, global region, credentials from the default AWS chain).
 */
@ApplicationScoped
public class EdgeTargets {

    private static final Logger LOG = Logger.getLogger(EdgeTargets.class);

    private final List<EdgeTarget> targets;

    public EdgeTargets(CatalogConfig config, ReactiveRedisDataSource redis, Clock clock,
            ScheduledExecutorService scheduler, Vertx vertx, MeterRegistry registry) {
        List<EdgeTarget> all = new ArrayList<>();
        CatalogConfig.Edge.Purge purge = config.edge().purge();
        purge.varnishUrls().filter(urls -> !urls.isEmpty())
                .ifPresent(urls -> all.add(new VarnishTarget(urls, purge.timeout(), vertx, registry)));
        CatalogConfig.Edge.Cloudfront cloudfront = config.edge().cloudfront();
        cloudfront.distributionId().ifPresent(id -> all.add(new CloudFrontTarget(client(cloudfront), id,
                cloudfront.invalidateBy(), redis,
                config.l2().keyPrefix() + "edge:cloudfront:paths:", cloudfront.monthlyPathBudget(),
                cloudfront.maxInFlight(), cloudfront.pollInterval(), clock, scheduler, registry)));
        this.targets = List.copyOf(all);
        if (!targets.isEmpty()) {
            LOG.infof("Edge purge targets: %s", targets.stream().map(EdgeTarget::name).toList());
        }
    }

    public List<EdgeTarget> all() {
        return targets;
    }

    static CloudFrontAsyncClient client(CatalogConfig.Edge.Cloudfront config) {
        CloudFrontAsyncClientBuilder builder = CloudFrontAsyncClient.builder().region(Region.AWS_GLOBAL)
                .httpClientBuilder(AwsCrtAsyncHttpClient.builder());
        config.endpointOverride().map(URI::create).ifPresent(builder::endpointOverride);
        return builder.build();
    }

    @PreDestroy
    void close() {
        for (EdgeTarget target : targets) {
            if (target instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.debugf("Closing %s: %s", target.name(), e);
                }
            }
        }
    }
}
