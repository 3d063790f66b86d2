package io.catalog.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;

/**
 * Writes wait for the other live pods' acknowledgements, bounded: three packaged pods, one frozen with SIGSTOP. While
 * the frozen pod is still live for the others, a write is acknowledged after the ack timeout and counted
 * ({@code catalog_events_ack_timeouts_total}); once liveness has forgotten it, writes wait for the remaining pod only,
 * and a read sent to that pod right after each acknowledgement returns the write; thawed, the pod acknowledges again,
 * is waited for again, and serves each write as soon as it is acknowledged. A pod that stops cleanly says so.
 */
class AckWaitIT {

    static final String ACK_TIMEOUT = "500ms";
    private static PodCluster cluster;
    private static CatalogClient client;

    @BeforeAll
    static void start() {
        cluster = PodCluster.start(3, Map.of("CATALOG_EVENTS_ACK_TIMEOUT", ACK_TIMEOUT));
        client = new CatalogClient(cluster.adminToken());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void awaitKnownPods(Pod pod, int expected) {
        await(pod + " knows " + expected + " other live pod(s)").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50)).until(() -> pod.metric("catalog_events_ack_pods") == expected);
    }

    @Test
    void aFrozenPodCostsWritesTheTimeoutCountedUntilItIsForgottenAndIsWaitedForAgainOnceThawed() {
        Pod writer = cluster.pod(0);
        Pod live = cluster.pod(1);
        Pod frozen = cluster.pod(2);
        String id = "ack-wait";
        client.put(writer, id, "acks", "1.00");
        client.warm(List.of(writer, live, frozen), id, MultiPodIT.BOUND);
        awaitKnownPods(writer, 2);
        double timeoutsBefore = writer.metric("catalog_events_ack_timeouts_total");
        List<Long> frozenMillis = new ArrayList<>();
        int[] price = { 100 };
        frozen.signal("STOP");
        try {
            await("a write acknowledged while a live pod is frozen is counted").atMost(Duration.ofSeconds(20))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
                        long started = System.nanoTime();
                        client.patchPrice(writer, id, price(price[0]++));
                        frozenMillis.add((System.nanoTime() - started) / 1_000_000);
                        return writer.metric("catalog_events_ack_timeouts_total") > timeoutsBefore;
                    });
            awaitKnownPods(writer, 1);
            double timeoutsForgotten = writer.metric("catalog_events_ack_timeouts_total");
            List<Long> forgottenMillis = new ArrayList<>();
            List<String> written = new ArrayList<>();
            List<String> readRightAfter = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String next = price(price[0]++);
                long started = System.nanoTime();
                client.patchPrice(writer, id, next);
                forgottenMillis.add((System.nanoTime() - started) / 1_000_000);
                written.add(new java.math.BigDecimal(next).stripTrailingZeros().toPlainString());
                readRightAfter.add(client.read(live, id).price().stripTrailingZeros().toPlainString());
            }
            System.out.printf("AckWaitIT (ack timeout %s): PATCH while %s is frozen and live: %s ms; once forgotten: %s ms%n",
                    ACK_TIMEOUT, frozen, frozenMillis, forgottenMillis);
            assertThat(writer.metric("catalog_events_ack_timeouts_total")).as("no timeout once it is forgotten")
                    .isEqualTo(timeoutsForgotten);
            assertThat(readRightAfter).as("%s read right after each acknowledgement", live).isEqualTo(written);
        } finally {
            frozen.signal("CONT");
        }
        awaitKnownPods(writer, 2);
        for (int i = 0; i < 5; i++) {
            String next = price(price[0]++);
            client.patchPrice(writer, id, next);
            assertThat(client.read(frozen, id).price()).as("%s, thawed, right after the acknowledgement", frozen)
                    .isEqualByComparingTo(next);
        }
    }

    /** A pod stopped cleanly (SIGTERM) appends {@code left} to the acks stream: forgotten without waiting for liveness. */
    @Test
    void aPodThatStopsSaysSo() {
        Pod extra = cluster.startPods(1, Map.of("CATALOG_EVENTS_ACK_TIMEOUT", ACK_TIMEOUT)).get(0);
        awaitKnownPods(cluster.pod(0), 3);
        extra.close();
        assertThat(cluster.redis().command("XREVRANGE", "{catalog:events}:acks", "+", "-", "COUNT", "20"))
                .as("the acks stream's newest entries").contains("left");
        awaitKnownPods(cluster.pod(0), 2);
    }

    private static String price(int cents) {
        return String.format("%d.%02d", cents / 100, cents % 100);
    }
}
