package io.catalog.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.assertions.Template;

class CacheTierTest {

    @Test
    void replicationGroupIsEncryptedAuthenticatedAndFailsOver() {
        Template template = Synth.template(Synth.DEFAULTS);
        template.hasResourceProperties("AWS::ElastiCache::ReplicationGroup", Map.of(
                "Engine", "valkey",
                "TransitEncryptionEnabled", true,
                "AtRestEncryptionEnabled", true,
                "AutomaticFailoverEnabled", true,
                "MultiAZEnabled", true,
                "NumCacheClusters", 2,
                "CacheNodeType", "cache.t4g.small",
                "CacheParameterGroupName", "default.valkey8"));
        String token = template.findResources("AWS::ElastiCache::ReplicationGroup").values().stream()
                .map(r -> Synth.properties(r).get("AuthToken").toString()).findFirst().orElseThrow();
        assertTrue(token.contains("{{resolve:secretsmanager:"), token);
    }

    @Test
    void clusterModeShardsAndTellsTheClient() {
        Template template = Synth.template(Synth.DEFAULTS.withRedisClusterMode(2));
        template.hasResourceProperties("AWS::ElastiCache::ReplicationGroup", Map.of(
                "ClusterMode", "enabled",
                "NumNodeGroups", 2,
                "ReplicasPerNodeGroup", 1,
                "CacheParameterGroupName", "default.valkey8.cluster.on",
                "TransitEncryptionEnabled", true));
        Map<String, Object> env = ServiceTierTest.environment(template);
        assertEquals("cluster", env.get("QUARKUS_REDIS_CLIENT_TYPE"));
        assertEquals("{catalog}:events", env.get("CATALOG_EVENTS_STREAM"));
        assertTrue(
                env.get("QUARKUS_REDIS_HOSTS").toString().contains("ConfigurationEndPoint.Address"));
    }
}
