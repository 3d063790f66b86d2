package io.catalog.coherence;

import static io.catalog.testing.TestCatalog.uniqueId;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.catalog.testing.PodCluster;
import io.catalog.testing.RedisFailoverProxy;

/**
 * Two pods that reach Redis through a {@link RedisFailoverProxy}, so that Redis can be replaced by an empty one
 * while no pod connection fails (unlike {@link MultiPodIT}'s crash, where the feed's read fails): only the new
 * server's {@code run_id} can tell the pods. Its own cluster, so that the proxy stays out of the other tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisFailOverIT {

    private PodCluster cluster;
    private CatalogClient client;

    @BeforeAll
    void start() {
        cluster = PodCluster.startBehindFailoverProxy(2, Map.of());
        client = new CatalogClient(cluster.adminToken());
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Redis is replaced by an empty one (a fail-over to a replica that had not caught up): the event of a write
     * acknowledged just before, appended on the old server, never reaches the pods' feeds, and every read of the
     * feed keeps succeeding. The pods must drop L1 on the new {@code run_id}, or they serve the old price until
     * its TTL (30 s).
     */
    @Test
    void aFailOverToAnEmptyRedisThatNoConnectionNoticesLeavesNothingStale() {
        String id = uniqueId("p");
        client.put(cluster.pod(0), id, "failover", "50.00");
        client.warm(cluster.pods(), id, MultiPodIT.BOUND);

        cluster.proxy().holdStreamReads();
        client.patchPrice(cluster.pod(1), id, "51.00");
        cluster.failOverToAnEmptyRedis();

        client.everyPodServes(cluster.pods(), id, "51.00", MultiPodIT.BOUND);
        client.warm(cluster.pods(), id, MultiPodIT.BOUND); // and the pods trust their feeds, and L1, again
    }
}
