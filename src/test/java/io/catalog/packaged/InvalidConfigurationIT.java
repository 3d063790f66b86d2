package io.catalog.packaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;

/**
 * A setting out of its range stops the packaged service at start-up, naming the setting, before anything touches
 * the store: with {@code catalog.dynamodb.create-tables=true} not one table is created. The same pod with a valid
 * setting does create them, so "no table" is the validation's doing, not the set-up's.
 */
class InvalidConfigurationIT {

    @Test
    void anOutOfRangeSettingStopsStartUpBeforeAnyTableIsCreated() throws IOException {
        try (PodCluster cluster = PodCluster.startInfrastructure()) {
            for (String ttl : new String[] { "0s", "90s" }) {
                assertThatThrownBy(() -> cluster.startPods(1, Map.of("CATALOG_L1_TTL", ttl)))
                        .as("a pod with CATALOG_L1_TTL=%s", ttl).hasMessageContaining("exited");
                Pod failed = cluster.pods().get(cluster.pods().size() - 1);
                assertThat(Files.readString(failed.log()))
                        .contains("catalog.l1.ttl must be between 1s and 60s");
                Files.write(failed.log(), new byte[0]); // pods' logs are appended to: the next check reads its own
                assertThat(tables(cluster)).as("tables after a refused start-up").isEqualTo("[]");
                cluster.stopPods();
            }

            cluster.startPods(1, Map.of("CATALOG_L1_TTL", "60s"));
            assertThat(tables(cluster)).contains("catalog-products", "catalog-counters");
        }
    }

    private static String tables(PodCluster cluster) {
        String body = cluster.dynalite().call("ListTables", "{}").body();
        return body.replaceAll("(?s).*\"TableNames\":(\\[[^]]*]).*", "$1");
    }
}
