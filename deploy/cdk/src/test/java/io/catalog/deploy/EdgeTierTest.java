package io.catalog.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class EdgeTierTest {

    /** Id of CloudFront's managed "CachingDisabled" cache policy. */
    static final String CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

    private final Template template = Synth.template(Synth.DEFAULTS);

    @Test
    void cachePolicyHonoursOriginCacheControlAndKeysOnPathAndQueryOnly() {
        template.hasResourceProperties("AWS::CloudFront::CachePolicy", Map.of("CachePolicyConfig", Match.objectLike(Map.of(
                "MinTTL", 0,
                "DefaultTTL", 0,
                "MaxTTL", 86400,
                "ParametersInCacheKeyAndForwardedToOrigin", Match.objectLike(Map.of(
                        "QueryStringsConfig", Map.of("QueryStringBehavior", "whitelist",
                                "QueryStrings", List.of("category", "limit", "cursor", "v")),
                        "CookiesConfig", Map.of("CookieBehavior", "none"),
                        "HeadersConfig", Map.of("HeaderBehavior", "none")))))));
    }

    @Test
    void originRequestPolicyForwardsNoCookiesAndNoHeaders() {
        template.hasResourceProperties("AWS::CloudFront::OriginRequestPolicy", Map.of("OriginRequestPolicyConfig",
                Match.objectLike(Map.of(
                        "CookiesConfig", Map.of("CookieBehavior", "none"),
                        "HeadersConfig", Map.of("HeaderBehavior", "none")))));
    }

    @Test
    void adminAndCheckoutAreNeverCachedAndAcceptEveryMethod() {
        for (String path : List.of("/admin/*", "/checkout/*")) {
            template.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(
                    Map.of("CacheBehaviors", Match.arrayWith(List.of(Match.objectLike(Map.of(
                            "PathPattern", path,
                            "CachePolicyId", CACHING_DISABLED,
                            "AllowedMethods", Match.arrayWith(List.of("PUT", "PATCH", "POST", "DELETE")),
                            "ViewerProtocolPolicy", "https-only"))))))));
        }
    }

    @Test
    void liveStreamsReachTheOriginUncachedWithTheirFilterAndResumePosition() {
        template.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(
                Map.of("CacheBehaviors", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "PathPattern", "/events/*",
                        "CachePolicyId", CACHING_DISABLED,
                        "Compress", false,
                        "OriginRequestPolicyId", Match.objectLike(Map.of("Ref", Match.stringLikeRegexp("EdgeLiveOrigin.*")))))))))));
        template.hasResourceProperties("AWS::CloudFront::OriginRequestPolicy", Map.of("OriginRequestPolicyConfig",
                Match.objectLike(Map.of(
                        "QueryStringsConfig", Map.of("QueryStringBehavior", "whitelist",
                                "QueryStrings", List.of("ids", "category", "lastEventId")),
                        "HeadersConfig", Map.of("HeaderBehavior", "whitelist", "Headers", List.of("Last-Event-ID")),
                        "CookiesConfig", Map.of("CookieBehavior", "none")))));
    }

    /** What the live page script asks for is what the live behaviour forwards: nothing it needs is stripped. */
    @Test
    void theLivePageUsesOnlyWhatReachesTheOrigin() throws Exception {
        String script = java.nio.file.Files.readString(
                java.nio.file.Path.of("../../src/main/resources/META-INF/resources/ui/assets/live.js"));
        // every query parameter the script writes ('name=' or '&name='), except on the line that reads the listing
        java.util.regex.Pattern parameter = java.util.regex.Pattern.compile("'[?&]?([A-Za-z]+)=");
        java.util.Set<String> used = new java.util.TreeSet<>();
        for (String line : script.split("\n")) {
            java.util.regex.Matcher found = parameter.matcher(line);
            while (!line.contains("'/products?") && found.find()) {
                used.add(found.group(1));
            }
        }
        assertEquals(java.util.Set.of("ids", "category", "lastEventId"), used, "the parameters live.js sends");
        assertEquals(true, !used.isEmpty() && EdgeTier.LIVE_QUERY_KEYS.containsAll(used),
                "parameters live.js sends: " + used + ", forwarded: " + EdgeTier.LIVE_QUERY_KEYS);
    }

    /**
     * The Varnish the service's tests put in CloudFront's place (src/test/resources/edge/cloudfront-behaviours.vcl)
     * forwards the query strings these behaviours forward: what passes there passes here.
     */
    @Test
    void theTestsEdgeStandInForwardsWhatTheseBehavioursForward() throws Exception {
        String vcl = java.nio.file.Files.readString(
                java.nio.file.Path.of("../../src/test/resources/edge/cloudfront-behaviours.vcl"));
        java.util.regex.Matcher kept = java.util.regex.Pattern.compile("\\(\\?:([A-Za-z|]+)\\)=").matcher(vcl);
        List<List<String>> lists = new java.util.ArrayList<>();
        while (kept.find()) {
            lists.add(List.of(kept.group(1).split("\\|")));
        }
        assertEquals(List.of(EdgeTier.LIVE_QUERY_KEYS, EdgeTier.QUERY_KEYS), lists, vcl);
    }

    @Test
    void operationsPathsAreNotCached() {
        template.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(
                Map.of("CacheBehaviors", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "PathPattern", "/q/*", "CachePolicyId", CACHING_DISABLED))))))));
    }

    @Test
    void cacheTagsAreReadFromTheSurrogateKeyHeader() {
        template.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(
                Map.of("CacheTagConfig", Map.of("HeaderName", "Cache-Tag")))));
    }

    @Test
    void theOriginIsTheLoadBalancerOverHttpsOnlyAndViewersAreRedirectedToHttps() {
        template.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(Map.of(
                "DefaultCacheBehavior", Match.objectLike(Map.of("ViewerProtocolPolicy", "redirect-to-https")),
                "Origins", List.of(Match.objectLike(Map.of(
                        "DomainName", "origin.catalog.example.com",
                        "CustomOriginConfig", Match.objectLike(Map.of("OriginProtocolPolicy", "https-only",
                                "OriginSSLProtocols", List.of("TLSv1.2"))))))))));
        template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Map.of("Port", 443, "Protocol", "HTTPS"));
    }

    @Test
    void withoutCloudFrontThereIsNoDistributionAndNoPurge() {
        Template noEdge = Synth.template(Synth.DEFAULTS.withoutCloudFront());
        noEdge.resourceCountIs("AWS::CloudFront::Distribution", 0);
        assertNull(ServiceTierTest.environment(noEdge).get("CATALOG_EDGE_CLOUDFRONT_DISTRIBUTION_ID"));
        assertEquals(0, noEdge.findResources("AWS::CloudFront::CachePolicy").size());
    }
}
