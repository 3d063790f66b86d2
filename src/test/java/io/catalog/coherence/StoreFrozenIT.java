package io.catalog.coherence;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;

/**
 * A store that hangs (dynalite frozen with SIGSTOP), seen by two packaged pods in their production settings (the
 * index may lag 10 s, so pages and summaries computed just after a change are served but not cached): a product, a
 * category page and its summary each pod served a moment before answer 200 within 1 s on every pod, three rounds; a
 * page nobody read answers 503 with Retry-After within the client's 3 s.
 */
class StoreFrozenIT {

    private static PodCluster cluster;
    private static CatalogClient client;

    @BeforeAll
    static void start() {
        cluster = PodCluster.start(2, Map.of());
        client = new CatalogClient(cluster.adminToken());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static long timed(Pod pod, String path, int expected) {
        long started = System.nanoTime();
        HttpResponse<String> response = pod.get(path);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(response.statusCode()).as("%s %s: %s", pod, path, response.body()).isEqualTo(expected);
        if (expected == 503) {
            assertThat(response.headers().firstValue("Retry-After")).as("%s %s", pod, path).isPresent();
        }
        return millis;
    }

    @Test
    void warmProductsPagesAndSummariesAnswerWithin1sOnEveryPodWhileTheStoreIsFrozen() {
        Pod writer = cluster.pod(0);
        client.put(writer, "frozen-a", "frozen", "10.00");
        client.put(writer, "frozen-b", "frozen", "20.00");
        client.put(writer, "cold-a", "frozen-cold", "5.00");
        List<String> warm = List.of("/products/frozen-a", "/products?category=frozen&limit=20",
                "/categories/frozen/summary");
        client.warm(cluster.pods(), "frozen-a", MultiPodIT.BOUND);
        for (Pod pod : cluster.pods()) {
            for (String path : warm) {
                timed(pod, path, 200);
            }
        }

        cluster.dynalite().pause();
        try {
            for (int round = 0; round < 3; round++) {
                for (Pod pod : cluster.pods()) {
                    for (String path : warm) {
                        assertThat(timed(pod, path, 200)).as("%s %s round %d, ms", pod, path, round).isLessThan(1000);
                    }
                    assertThat(timed(pod, "/products?category=frozen-cold&limit=20", 503)).as("%s cold page, ms", pod)
                            .isLessThan(3000);
                }
            }
        } finally {
            cluster.dynalite().resume();
        }
    }
}
