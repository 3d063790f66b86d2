package io.catalog.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CacheCookieBehavior;
import software.amazon.awscdk.services.cloudfront.CacheHeaderBehavior;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.CacheQueryStringBehavior;
import software.amazon.awscdk.services.cloudfront.CachedMethods;
import software.amazon.awscdk.services.cloudfront.CfnDistribution;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.IOrigin;
import software.amazon.awscdk.services.cloudfront.OriginProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.OriginRequestCookieBehavior;
import software.amazon.awscdk.services.cloudfront.OriginRequestHeaderBehavior;
import software.amazon.awscdk.services.cloudfront.OriginRequestPolicy;
import software.amazon.awscdk.services.cloudfront.OriginSslPolicy;
import software.amazon.awscdk.services.cloudfront.OriginRequestQueryStringBehavior;
import software.amazon.awscdk.services.cloudfront.PriceClass;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.HttpOrigin;
import software.amazon.awscdk.services.cloudfront.origins.HttpOriginProps;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * CloudFront in front of the ALB.
 *
 * <p>The service decides freshness: public GETs carry {@code Cache-Control: public, max-age=30, ...}
 * and the cache policy honours it (min TTL 0, default TTL 0 for responses that say nothing, max
 * TTL one day). The cache key is the path plus the four query parameters the API reads, never
 * cookies or headers; {@code If-None-Match} is answered by CloudFront from the cached ETag.
 * Admin writes and checkout quotes are never cached; {@code /q/*} is not served (the ALB answers
 * 404 there). The origin is the ALB over HTTPS only, and every origin request carries the secret
 * origin header without which the ALB refuses it (403).
 *
 * <p>Cache tags: CloudFormation's {@code DistributionConfig.CacheTagConfig.HeaderName} (present in
 * aws-cdk-lib 2.263.0 as {@link CfnDistribution.CacheTagConfigProperty}, not on the L2
 * {@link Distribution}) is set through an escape hatch: the service sends its surrogate keys comma-separated in
 * that header and invalidates them as {@code #<tag>} items ({@code CATALOG_EDGE_CLOUDFRONT_INVALIDATE_BY=tags}, set by
 * {@link ServiceTier#enableEdgePurge}; without the header, by exact paths). See deploy/README.md.
 */
public final class EdgeTier extends Construct {

    /** Query parameters of the public API; everything else is left out of the key and the origin request. */
    static final List<String> QUERY_KEYS = List.of("category", "limit", "cursor", "v");
    static final List<String> UNCACHED_PATHS = List.of("/admin/*", "/checkout/*");
    static final String OPERATIONS_PATH = "/q/*";
    /** Live changes (server-sent events): never cached, each viewer's filter and resume position reach the origin. */
    static final String LIVE_PATH = "/events/*";
    static final List<String> LIVE_QUERY_KEYS = List.of("ids", "category", "lastEventId");
    /** An EventSource sends it when it reconnects by itself. */
    static final String LAST_EVENT_ID = "Last-Event-ID";

    private final Distribution distribution;
    private final CachePolicy publicReads;

    public EdgeTier(Construct scope, String id, StackConfig config, ISecret originVerify) {
        super(scope, id);
        this.publicReads = CachePolicy.Builder.create(this, "PublicReads")
                .comment("Catalog public reads: the origin's Cache-Control decides")
                .minTtl(Duration.seconds(0))
                .defaultTtl(Duration.seconds(0))
                .maxTtl(Duration.days(1))
                .queryStringBehavior(CacheQueryStringBehavior.allowList(QUERY_KEYS.toArray(String[]::new)))
                .headerBehavior(CacheHeaderBehavior.none())
                .cookieBehavior(CacheCookieBehavior.none())
                .enableAcceptEncodingGzip(true)
                .enableAcceptEncodingBrotli(true)
                .build();
        OriginRequestPolicy publicOrigin = OriginRequestPolicy.Builder.create(this, "PublicOrigin")
                .comment("Catalog public reads: only the API's query parameters reach the origin")
                .queryStringBehavior(OriginRequestQueryStringBehavior.allowList(QUERY_KEYS.toArray(String[]::new)))
                .headerBehavior(OriginRequestHeaderBehavior.none())
                .cookieBehavior(OriginRequestCookieBehavior.none())
                .build();

        IOrigin origin = origin(config, originVerify);
        this.distribution = Distribution.Builder.create(this, "Distribution")
                .comment("Catalog service")
                .defaultBehavior(BehaviorOptions.builder()
                        .origin(origin)
                        .cachePolicy(publicReads)
                        .originRequestPolicy(publicOrigin)
                        .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
                        .allowedMethods(AllowedMethods.ALLOW_GET_HEAD_OPTIONS)
                        .cachedMethods(CachedMethods.CACHE_GET_HEAD)
                        .compress(true)
                        .build())
                .additionalBehaviors(uncachedBehaviors(origin, liveOrigin()))
                .priceClass(PriceClass.PRICE_CLASS_100)
                .httpVersion(HttpVersion.HTTP2_AND_3)
                .build();
        if (!config.cacheTagHeader().isBlank()) {
            CfnDistribution cfn = (CfnDistribution) distribution.getNode().getDefaultChild();
            cfn.addPropertyOverride("DistributionConfig.CacheTagConfig.HeaderName", config.cacheTagHeader());
        }
    }

    /**
     * The ALB, over HTTPS only, by the name its certificate covers ({@code originDomainName}, an alias of the ALB),
     * with the secret origin header that the ALB's listener rule requires: requests that bypass CloudFront lack it.
     */
    private static IOrigin origin(StackConfig config, ISecret originVerify) {
        return new HttpOrigin(config.originDomainName().orElseThrow(), HttpOriginProps.builder()
                .protocolPolicy(OriginProtocolPolicy.HTTPS_ONLY)
                .originSslProtocols(List.of(OriginSslPolicy.TLS_V1_2))
                .customHeaders(Map.of(ServiceTier.ORIGIN_VERIFY_HEADER, originVerify.getSecretValue().unsafeUnwrap()))
                .build());
    }

    /**
     * What a live stream needs at the origin: its filter ({@code ids} or {@code category}) and where to resume
     * ({@code lastEventId} on a page's first connection, the {@code Last-Event-ID} header on an EventSource's own
     * reconnection). Without it the default behaviour strips all three: a product page would get every change and
     * never resume, and a page rendered from an older edge copy would keep its old price.
     */
    private OriginRequestPolicy liveOrigin() {
        return OriginRequestPolicy.Builder.create(this, "LiveOrigin")
                .comment("Catalog live changes: the stream's filter and resume position reach the origin")
                .queryStringBehavior(OriginRequestQueryStringBehavior.allowList(LIVE_QUERY_KEYS.toArray(String[]::new)))
                .headerBehavior(OriginRequestHeaderBehavior.allowList(LAST_EVENT_ID))
                .cookieBehavior(OriginRequestCookieBehavior.none())
                .build();
    }

    /**
     * Writes and quotes pass straight through (every method, all viewer headers incl. Authorization); live streams
     * uncached with their filter and resume position ({@link #liveOrigin}), uncompressed so that each event leaves at
     * once; ops paths too.
     */
    private static Map<String, BehaviorOptions> uncachedBehaviors(IOrigin origin, OriginRequestPolicy live) {
        Map<String, BehaviorOptions> behaviors = new LinkedHashMap<>();
        behaviors.put(LIVE_PATH, BehaviorOptions.builder()
                .origin(origin)
                .cachePolicy(CachePolicy.CACHING_DISABLED)
                .originRequestPolicy(live)
                .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
                .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                .compress(false)
                .build());
        for (String path : UNCACHED_PATHS) {
            behaviors.put(path, BehaviorOptions.builder()
                    .origin(origin)
                    .cachePolicy(CachePolicy.CACHING_DISABLED)
                    .originRequestPolicy(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER)
                    .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                    .allowedMethods(AllowedMethods.ALLOW_ALL)
                    .build());
        }
        behaviors.put(OPERATIONS_PATH, BehaviorOptions.builder()
                .origin(origin)
                .cachePolicy(CachePolicy.CACHING_DISABLED)
                .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
                .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
                .build());
        return behaviors;
    }

    public Distribution distribution() {
        return distribution;
    }

    public CachePolicy publicReads() {
        return publicReads;
    }
}
