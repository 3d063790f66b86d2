package io.catalog.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;

/**
 * The faults of a {@link ChaosRun}, drawn one after another from a seeded {@link Random}, each for real: signals to
 * pods and servers, a Redis restarted empty, connections killed with {@code CLIENT KILL}, the stream trimmed with
 * {@code XTRIM}, the lagging store's lag switched. Between two faults the run goes on undisturbed for 0.3-1.5 s.
 */
final class Faults {

    static final List<String> KINDS = List.of("pod-stop", "pod-kill", "pod-join", "redis-client-kill",
            "redis-restart", "stream-trim", "lag-toggle", "store-stop");

    private final PodCluster cluster;
    private final List<Pod> live;
    private final History history;
    private final List<long[]> stalls;
    private final Map<String, Integer> counts;
    private final Random random;
    private final int pods;
    /** Pods being started (a join, or a killed pod's replacement): at most one at a time. */
    private CompletableFuture<Void> starting = CompletableFuture.completedFuture(null);

    Faults(PodCluster cluster, List<Pod> live, History history, List<long[]> stalls, Map<String, Integer> counts,
            Random random, int pods) {
        this.cluster = cluster;
        this.live = live;
        this.history = history;
        this.stalls = stalls;
        this.counts = counts;
        this.random = random;
        this.pods = pods;
    }

    /** Draws one fault, injects it (waiting while it lasts), then lets the run go on for a moment. */
    void next() throws InterruptedException {
        String kind = KINDS.get(random.nextInt(KINDS.size()));
        switch (kind) {
            case "pod-stop" -> stopAPod();
            case "pod-kill" -> killAPod();
            case "pod-join" -> join();
            case "redis-client-kill" -> record(kind, cluster.redis().command("CLIENT", "KILL", "TYPE", "normal")
                    .trim());
            case "redis-restart" -> {
                cluster.redis().restart();
                record(kind, "empty");
            }
            case "stream-trim" -> record(kind, "XTRIM MAXLEN 5: " + cluster.redis()
                    .command("XTRIM", "catalog:events", "MAXLEN", "5").trim());
            case "lag-toggle" -> {
                boolean on = cluster.laggingStore().lag().isZero();
                cluster.laggingStore().lag(on ? ChaosRun.LAG : Duration.ZERO);
                record(kind, on ? "eventually consistent reads lag " + ChaosRun.LAG : "lag off");
            }
            case "store-stop" -> {
                long millis = 1_000 + random.nextInt(4_000);
                record(kind, "dynalite frozen " + millis + " ms");
                cluster.dynalite().pause();
                try {
                    Thread.sleep(millis);
                } finally {
                    cluster.dynalite().resume();
                }
            }
            default -> throw new IllegalStateException(kind);
        }
        Thread.sleep(300 + random.nextInt(1_200));
    }

    private void stopAPod() throws InterruptedException {
        Pod pod = pick();
        long millis = 100 + random.nextInt(2_900);
        record("pod-stop", pod.name() + " " + millis + " ms");
        long from = System.nanoTime();
        pod.signal("STOP");
        try {
            Thread.sleep(millis);
        } finally {
            pod.signal("CONT");
            stalls.add(new long[] { from, System.nanoTime() });
        }
    }

    private void killAPod() {
        if (!starting.isDone() || live.size() < 2) {
            return;
        }
        Pod pod = pick();
        record("pod-kill", pod.name() + ", started again");
        live.remove(pod);
        pod.signal("KILL");
        starting = CompletableFuture.runAsync(() -> live.addAll(cluster.startPods(1, ChaosRun.POD_ENVIRONMENT)));
    }

    private void join() {
        if (!starting.isDone()) {
            return;
        }
        record("pod-join", live.size() >= pods + 1 ? "one more, and the oldest stops cleanly" : "one more");
        starting = CompletableFuture.runAsync(() -> {
            List<Pod> started = cluster.startPods(1, ChaosRun.POD_ENVIRONMENT);
            live.addAll(started);
            if (live.size() > pods + 1) {
                Pod oldest = live.get(0);
                live.remove(oldest);
                oldest.close();
            }
        });
    }

    private Pod pick() {
        List<Pod> pods = List.copyOf(live);
        return pods.get(random.nextInt(pods.size()));
    }

    private void record(String kind, String detail) {
        counts.merge(kind, 1, Integer::sum);
        history.faults.add(new History.Fault(kind, detail, System.nanoTime()));
    }

    /** Ends every fault: no lag, the store and every pod running, pods being started started. */
    void heal() {
        cluster.laggingStore().lag(Duration.ZERO);
        starting.join();
    }
}
