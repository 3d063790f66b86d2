package io.catalog.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.App;

class StackConfigTest {

    @Test
    void defaultsAreTheSmallProductionSize() {
        StackConfig config = StackConfig.fromContext(new App().getNode());
        assertEquals(StackConfig.defaults(), config);
        assertEquals("catalog-", config.tablePrefix());
        assertEquals(3, config.desiredCount());
        assertFalse(config.dax());
        assertTrue(config.cloudFront() && config.edgePurge());
    }

    @Test
    void contextFlagsFromTheCommandLineAreStrings() {
        App app = App.Builder.create().context(Map.of(
                "dax", "true", "desiredCount", "2", "imageUri", "repo/catalog:1", "redisClusterMode", "true",
                "redisShards", "3")).build();
        StackConfig config = StackConfig.fromContext(app.getNode());
        assertTrue(config.dax());
        assertEquals(2, config.desiredCount());
        assertEquals(Optional.of("repo/catalog:1"), config.imageUri());
        assertTrue(config.redisClusterMode());
        assertEquals(3, config.redisShards());
    }

    @Test
    void withoutCloudFrontThereIsNoPurge() {
        App app = App.Builder.create().context(Map.of("cloudFront", false)).build();
        StackConfig config = StackConfig.fromContext(app.getNode());
        assertFalse(config.cloudFront());
        assertFalse(config.edgePurge());
    }

    @Test
    void inconsistentSettingsAreRejected() {
        App app = App.Builder.create().context(Map.of("originDomainName", "origin.example.com")).build();
        assertThrows(IllegalArgumentException.class, () -> StackConfig.fromContext(app.getNode()));
    }
}
