package io.catalog.coherence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.catalog.testing.Histogram;
import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;

/**
 * Measures propagation: 100+ price changes, each written through one of three pods, and the time from the write's
 * acknowledgement until each of the other two pods serves it. The figures are written to
 * {@code target/propagation.md} and printed; the test asserts only the hard bound, never a timing of the machine.
 * Reproduce with {@code ./mvnw verify -Dit.test=PropagationIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dpropagation.warmup=1500} (CI runs it without the warm-up).
 */
class PropagationIT {

    static final int CHANGES = Integer.getInteger("propagation.changes", 120);
    /** Unmeasured price changes first (0 by default; the committed figures: 1,500). */
    static final int WARMUP = Integer.getInteger("propagation.warmup", 0);
    /** How often a pod is read while waiting for it to serve a change: the measure's resolution. */
    static final Duration POLL = Duration.ofMillis(Long.getLong("propagation.poll-ms", 1));
    /** Reads sent right after the acknowledgement that already returned the change. */
    static final java.util.concurrent.atomic.AtomicInteger FIRST_READ_CURRENT = new java.util.concurrent.atomic.AtomicInteger();

    @Test
    void everyChangeReachesTheOtherPodsAndTheDelayIsRecorded() throws IOException {
        List<Long> delaysMicros = new ArrayList<>();
        List<Long> patchMicros = new ArrayList<>();
        List<Long> sentToSeenMicros = new ArrayList<>();
        List<String> podMetrics;
        String measuredPhase;
        try (PodCluster cluster = PodCluster.start(3, Map.of())) {
            CatalogClient client = new CatalogClient(cluster.adminToken());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String id = "prop-" + i;
                client.put(cluster.pod(0), id, "propagation", "1.00");
                ids.add(id);
            }
            for (int i = 0; i < WARMUP; i++) {
                // unmeasured: the pods' feed, acknowledgement and write paths compiled by the JIT, as in a pod that
                // has been serving for a while
                client.patchPrice(cluster.pod(i % 3), ids.get(i % ids.size()), (1000 + i) + ".00");
            }
            List<Map<String, Histogram>> beforeMeasured = cluster.pods().stream().map(PropagationIT::histograms).toList();
            for (int i = 0; i < CHANGES; i++) {
                String id = ids.get(i % ids.size());
                Pod writer = cluster.pod(i % 3);
                String price = (2 + i) + ".00";
                for (Pod pod : cluster.pods()) {
                    client.read(pod, id);
                }
                long sent = System.nanoTime();
                client.patchPrice(writer, id, price);
                long acknowledged = System.nanoTime();
                patchMicros.add((acknowledged - sent) / 1000);
                List<CompletableFuture<Long>> observers = cluster.pods().stream().filter(p -> p != writer)
                        .map(p -> CompletableFuture.supplyAsync(() -> observe(client, p, id, price, acknowledged)))
                        .toList();
                observers.forEach(o -> {
                    long delay = o.join();
                    delaysMicros.add(delay);
                    sentToSeenMicros.add(delay + (acknowledged - sent) / 1000);
                });
            }
            podMetrics = cluster.pods().stream().flatMap(p -> List.of(quantiles(p, "catalog_events_propagation_seconds"),
                    quantiles(p, "catalog_events_delivery_seconds"), quantiles(p, "catalog_events_ack_wait_seconds"),
                    quantiles(p, "catalog_events_ack_lag_seconds"),
                    quantiles(p, "catalog_write_steps_seconds", "read"), quantiles(p, "catalog_write_steps_seconds", "put"),
                    quantiles(p, "catalog_write_steps_seconds", "publish"), quantiles(p, "catalog_events_ack_send_seconds"),
                    ackTimeouts(p)).stream()).toList();
            measuredPhase = measured(cluster, beforeMeasured);
        }
        delaysMicros.sort(Long::compare);
        patchMicros.sort(Long::compare);
        sentToSeenMicros.sort(Long::compare);
        String report = report(delaysMicros) + "\nThe first read sent after the acknowledgement already returned the"
                + " change in " + FIRST_READ_CURRENT.get() + " of " + delaysMicros.size() + " observations.\n"
                + "\nThe PATCH itself (sent to acknowledged, on the writing pod):\n\n"
                + report(patchMicros) + "\nFrom the PATCH sent to the other pod serving the change:\n\n"
                + report(sentToSeenMicros) + "\nEach pod's own measures: event occurrence (the writer's clock, before"
                + " its DynamoDB write) to applied (catalog_events_propagation_seconds); the event's entry into the"
                + " stream (Redis' clock at the append, in microseconds) to applied (catalog_events_delivery_seconds); a write's"
                + " wait for the other pods' acknowledgements (catalog_events_ack_wait_seconds); an entry's append"
                + " until this pod read another pod's acknowledgement of it (catalog_events_ack_lag_seconds); the"
                + " round trip of this pod's own acknowledgement (catalog_events_ack_send_seconds); the steps of its"
                + " writes before the wait (catalog_write_steps_seconds: read = consistent read and sequence"
                + " reservation at once, put = conditional put, publish = counters and L2 marker, summaries, stream"
                + " append); and the waits that"
                + " ran out (catalog_events_ack_timeouts_total).\n\n" + measuredPhase
                + "\nMicrometer's percentiles, over its last two minutes (the warm-up's changes included):\n\n"
                + String.join("\n", podMetrics) + "\n";
        System.out.println(report);
        Files.writeString(Path.of("target", "propagation.md"), report);
        assertThat(delaysMicros).hasSize(CHANGES * 2);
    }

    private static long observe(CatalogClient client, Pod pod, String id, String price, long acknowledged) {
        BigDecimal expected = new BigDecimal(price);
        CatalogClient.Read first = client.read(pod, id);
        if (first.status() == 200 && first.price().compareTo(expected) == 0) {
            FIRST_READ_CURRENT.incrementAndGet();
            return (System.nanoTime() - acknowledged) / 1000;
        }
        CatalogClient.within(MultiPodIT.BOUND, POLL).alias(pod + " serves " + price).until(() -> client.read(pod, id),
                read -> read.status() == 200 && read.price().compareTo(expected) == 0);
        return (System.nanoTime() - acknowledged) / 1000;
    }

    /** The timers whose buckets the report reads, each with what it times. */
    static final Map<String, String> TIMED = new LinkedHashMap<>();
    static {
        TIMED.put("catalog_events_delivery_seconds", "delivery: the entry's append (Redis' clock) to applied");
        TIMED.put("catalog_events_propagation_seconds", "propagation: the writer's clock before its write to applied");
        TIMED.put("catalog_events_ack_wait_seconds", "a write's wait for the other pods' acknowledgements");
        TIMED.put("catalog_events_ack_lag_seconds", "ack lag: an entry's append to another pod's acknowledgement read");
    }

    private static Map<String, Histogram> histograms(Pod pod) {
        String metrics = pod.get("/q/metrics").body();
        Map<String, Histogram> readings = new HashMap<>();
        TIMED.keySet().forEach(timer -> readings.put(timer, Histogram.parse(metrics, timer)));
        return readings;
    }

    /**
     * The measured changes alone, from the timers' buckets on every pod read before and after them (the warm-up and
     * the set-up left out): how many observations, the share within 1, 2 and 5 ms, and quantiles interpolated within
     * the buckets (bounds at 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10, 20 ms and up: a quantile is only as exact as its bucket).
     */
    private static String measured(PodCluster cluster, List<Map<String, Histogram>> before) {
        StringBuilder out = new StringBuilder("The measured changes alone (every pod's timer buckets read before and"
                + " after them; quantiles interpolated within buckets bounded at 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10, 20 ms):\n\n"
                + "| timer | observations | within 1 ms | within 2 ms | within 5 ms | p50 | p90 | p99 |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        List<Map<String, Histogram>> after = cluster.pods().stream().map(PropagationIT::histograms).toList();
        TIMED.forEach((timer, what) -> {
            Histogram sum = new Histogram(new TreeMap<>());
            for (int i = 0; i < after.size(); i++) {
                sum = sum.plus(after.get(i).get(timer).minus(before.get(i).get(timer)));
            }
            if (sum.count() == 0) {
                out.append(String.format("| %s (%s) | 0 | | | | | | |%n", timer, what));
                return;
            }
            out.append(String.format(Locale.ROOT,
                    "| %s (%s) | %d | %.1f %% | %.1f %% | %.1f %% | %.2f ms | %.2f ms | %.2f ms |%n", timer, what,
                    sum.count(), 100 * sum.shareWithin(0.001), 100 * sum.shareWithin(0.002),
                    100 * sum.shareWithin(0.005), 1000 * sum.quantile(0.5), 1000 * sum.quantile(0.9),
                    1000 * sum.quantile(0.99)));
        });
        return out.toString();
    }

    /** The writes on this pod whose wait for the other pods' acknowledgements ran out. */
    private static String ackTimeouts(Pod pod) {
        return "- " + pod.name() + " catalog_events_ack_timeouts_total: " + pod.metric("catalog_events_ack_timeouts_total");
    }

    /** A timer's quantiles on this pod, as its Prometheus endpoint reports them. */
    private static String quantiles(Pod pod, String timer) {
        return quantiles(pod, timer, null);
    }

    /** As {@link #quantiles(Pod, String)}, of the series whose {@code step} tag is {@code step} (when not null). */
    private static String quantiles(Pod pod, String timer, String step) {
        String metrics = pod.get("/q/metrics").body();
        StringBuilder line = new StringBuilder("- " + pod.name() + " " + timer + (step == null ? ""
                : "{step=" + step
                        + "}")
                + ":");
        metrics.lines().filter(l -> l.startsWith(timer + "{") && l.contains("quantile=")
                && (step == null || l.contains("step=\"" + step + "\"")))
                .forEach(l -> {
                    String quantile = l.replaceAll(".*quantile=\"([0-9.]+)\".*", "$1");
                    double seconds = Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
                    line.append(String.format(" p%d %.1f ms", Math.round(Double.parseDouble(quantile) * 100),
                            seconds * 1000));
                });
        return line.toString();
    }

    static String report(List<Long> sortedMicros) {
        return "| observations | p50 | p90 | p99 | max |\n|---|---|---|---|---|\n| " + sortedMicros.size() + " | "
                + millis(sortedMicros, 0.50) + " | " + millis(sortedMicros, 0.90) + " | " + millis(sortedMicros, 0.99)
                + " | " + millis(sortedMicros, 1.0) + " |\n";
    }

    private static String millis(List<Long> sorted, double quantile) {
        int index = Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1);
        return String.format("%.1f ms", sorted.get(Math.max(0, index)) / 1000.0);
    }
}
