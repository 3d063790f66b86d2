package io.catalog.coherence;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;

/**
 * Cache inspection across pods of the packaged service: after a write through one pod, another pod's
 * {@code GET /admin/cache/products/{id}} shows the exact store version and sequence, its own floor raised by its feed
 * and its own L1; a refresh through one pod drops every pod's L1 copy and raises every floor.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacheInspectionIT {

    private PodCluster cluster;
    private CatalogClient client;
    private Pod writer;
    private Pod other;

    @BeforeAll
    void start() {
        cluster = PodCluster.start(2, Map.of());
        client = new CatalogClient(cluster.adminToken());
        writer = cluster.pod(0);
        other = cluster.pod(1);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anotherPodShowsTheExactVersionsOfAWrite() {
        String id = "inspect-" + System.nanoTime();
        client.put(writer, id, "inspected", "10.00");
        client.warm(cluster.pods(), id, Duration.ofSeconds(10));
        client.patchPrice(writer, id, "11.00");
        long sequence = client.read(writer, id).sequence();

        // the other pod's feed raises its floor and puts the new version into its L1 (update in place); the relay
        // marked the L2 entry at the new sequence; the store read is strongly consistent
        CatalogClient.within(Duration.ofSeconds(2)).until(() -> inspect(other, id),
                state -> state.path("floor").asLong() == sequence);
        JsonNode state = inspect(other, id);
        assertThat(state.path("store").path("version").asLong()).isEqualTo(2);
        assertThat(state.path("store").path("sequence").asLong()).isEqualTo(sequence);
        assertThat(state.path("l1").path("sequence").asLong()).as(state.toString()).isEqualTo(sequence);
        assertThat(state.path("l1").path("version").asLong()).as(state.toString()).isEqualTo(2);
        assertThat(state.path("l2").path("sequence").asLong()).isEqualTo(sequence);
        assertThat(state.path("l2").path("kind").asText()).isEqualTo("marker");

        CatalogClient.Read read = client.read(other, id);
        assertThat(read.sequence()).isEqualTo(sequence);
        assertThat(read.tier()).as("served from the version the event put into L1").isEqualTo("L1");
        JsonNode after = inspect(other, id);
        assertThat(after.path("l1").path("sequence").asLong()).isEqualTo(sequence);
        assertThat(after.path("l2").path("sequence").asLong()).isEqualTo(sequence);
    }

    @Test
    void aRefreshThroughOnePodReachesEveryPod() {
        String id = "refresh-" + System.nanoTime();
        client.put(writer, id, "inspected", "5.00");
        client.warm(cluster.pods(), id, Duration.ofSeconds(10));
        long before = client.read(writer, id).sequence();

        HttpResponse<String> refresh = writer.send(HttpRequest.newBuilder(writer.uri("/admin/cache/products/" + id
                + "/refresh")).header("Authorization", "Bearer " + cluster.adminToken())
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(refresh.statusCode()).as(refresh.body()).isEqualTo(202);

        for (var pod : cluster.pods()) {
            CatalogClient.within(Duration.ofSeconds(2)).alias(pod + " drops its copy").until(() -> inspect(pod, id),
                    state -> state.path("floor").asLong() > before && state.path("l1").isNull());
            CatalogClient.Read read = client.read(pod, id);
            assertThat(read.sequence()).isGreaterThan(before);
            assertThat(read.version()).isEqualTo(1);
        }
    }

    private JsonNode inspect(Pod pod, String id) {
        HttpResponse<String> response = pod.send(HttpRequest.newBuilder(pod.uri("/admin/cache/products/" + id))
                .header("Authorization", "Bearer " + cluster.adminToken()).GET().build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return CatalogClient.parse(response.body());
    }
}
