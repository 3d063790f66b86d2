package io.catalog.bench;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;

/**
 * Throughput of the read tiers against two baselines, in the same run: one redis-server, one dynalite, three pods of
 * the packaged service (full design, L1 off, L1 and L2 off) and the bare app ({@code benchmarks/bare-app}: a minimal
 * Quarkus application with only {@code quarkus-rest-jackson} serving a fixed JSON object of a product's size), then
 * {@code wrk} against each: the bare app on the event loop and on a worker thread, {@code /bench/fixed} (the
 * service's own HTTP stack with no cache or store), one product hammered on the full design (L1 hits), on the L1-less
 * pod (L2 hits) and on the cache-less pod (DynamoDB reads). The bare app and the L1 hit are measured twice,
 * alternately, and the L1 hit / bare ratio is the ratio of their means. Results are printed and written to
 * {@code results/bench/wrk.md} (or {@code -Dbench.output}) with the commit measured and the command. Run by
 * {@code bin/bench}.
 */
public final class WrkBench {

    /** Where {@code bin/bench} builds the bare app. */
    static final String BARE_APP_JAR = "benchmarks/bare-app/target/quarkus-app/quarkus-run.jar";
    static final String BARE = "bare app";
    static final String L1_HIT = "L1 hit";
    /** Alternating rounds of the bare app and the L1 hit: the machine's load drifts, the ratio of sums less so. */
    static final int ROUNDS = Integer.getInteger("bench.rounds", 5);

    record Target(String name, String group, Pod pod, String path, String expectedTier) {
    }

    record Outcome(Target target, double requestsPerSecond, double p50Ms, double p99Ms, double avgMs, long errors,
            int bodyBytes, double l1Share) {

        Outcome withL1Share(double share) {
            return new Outcome(target, requestsPerSecond, p50Ms, p99Ms, avgMs, errors, bodyBytes, share);
        }
    }

    /** Requests in a wrk run's output. */
    static long requests(String out) {
        Matcher m = Pattern.compile("(\\d+) requests in").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The pod's count of L1 hits ({@code catalog_cache_requests_total{tier="l1",result="hit"}}), 0 if none. */
    static double l1Hits(Pod pod) {
        for (String line : pod.get("/q/metrics").body().split("\n")) {
            if (line.startsWith("catalog_cache_requests_total{") && line.contains("tier=\"l1\"")
                    && line.contains("result=\"hit\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** Creates the product every read target hammers, {@code bench-1}, through {@code pod}. */
    static void putBenchItem(Pod pod, String adminToken) {
        HttpResponse<String> put = pod.send(HttpRequest.newBuilder(pod.uri("/admin/products/bench-1"))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"Bench item\",\"category\":\"bench\",\"price\":103.62}"))
                .build());
        if (put.statusCode() / 100 != 2) {
            throw new IllegalStateException("PUT bench-1 answered " + put.statusCode() + ": " + put.body());
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String threads = System.getProperty("bench.threads", "2");
        String connections = System.getProperty("bench.connections", "32");
        String duration = System.getProperty("bench.duration", "15s");
        String warmup = System.getProperty("bench.warmup", "5s");
        Path output = Path.of(System.getProperty("bench.output",
                PodCluster.projectRoot().resolve("results/bench/wrk.md").toString()));
        long t0 = System.nanoTime();
        String loadBefore = Provenance.loadAverage();
        String commit = Provenance.commit();
        List<Outcome> outcomes = new ArrayList<>();
        try (PodCluster cluster = PodCluster.startInfrastructure();
                Pod bare = Pod.startApp("bare-app", PodCluster.projectRoot().resolve(BARE_APP_JAR), Map.of(),
                        "/item")) {
            log("starting 3 pods (full design + /bench/fixed, L1 off, L1 and L2 off)...");
            Pod full = cluster.startPods(1, Map.of()).get(0);
            if (full.get("/bench/fixed").statusCode() != 200) {
                throw new IllegalStateException("GET /bench/fixed is not served: the jar was built without the bench"
                        + " profile (bin/bench builds with ./mvnw -Pbench; do not pass --no-build after another build)");
            }
            Pod l2 = cluster.startPods(1, Map.of("CATALOG_L1_ENABLED", "false")).get(0);
            Pod store = cluster.startPods(1, Map.of("CATALOG_L1_ENABLED", "false", "CATALOG_L2_ENABLED", "false"))
                    .get(0);
            putBenchItem(full, cluster.adminToken());
            List<Target> targets = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                String again = round == 1 ? "" : " (round " + round + ")";
                targets.add(new Target("bare app, event loop" + again, BARE, bare, "/item", null));
                targets.add(new Target("L1 hit, full design" + again, L1_HIT, full, "/products/bench-1", "L1"));
            }
            targets.add(new Target("bare app, worker thread (Quarkus REST's default)", "", bare, "/item/default",
                    null));
            targets.add(new Target("/bench/fixed (the service's stack, no cache)", "", full, "/bench/fixed", null));
            targets.add(new Target("L2 hit (L1 disabled)", "", l2, "/products/bench-1", "L2"));
            targets.add(new Target("DynamoDB read (L1, L2 disabled)", "", store, "/products/bench-1", "MISS"));
            // the JIT first: a freshly started process is slower for a while, the full service longer than the bare app
            String jit = System.getProperty("bench.jitWarmup", "20s");
            for (Target target : targets.subList(0, 2)) {
                target.pod().get(target.path());
                log("JIT warm-up " + jit + ": " + target.name());
                wrk(threads, connections, jit, target.pod().uri(target.path()).toString());
            }
            for (Target target : targets) {
                outcomes.add(measure(target, threads, connections, warmup, duration));
            }
            cluster.stopPods();
        }
        String report = report(outcomes, threads, connections, duration, Duration.ofNanos(System.nanoTime() - t0),
                loadBefore, Provenance.loadAverage(), commit);
        Files.createDirectories(output.getParent());
        Files.writeString(output, report);
        System.out.println(report);
        log("written to " + output);
    }

    private static Outcome measure(Target target, String threads, String connections, String warmup,
            String duration) throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            target.pod().get(target.path());
        }
        HttpResponse<String> probe = target.pod().get(target.path());
        String tier = probe.headers().firstValue("X-Cache").orElse(null);
        if (probe.statusCode() != 200 || (target.expectedTier() != null && !target.expectedTier().equals(tier))) {
            throw new IllegalStateException(target.name() + ": " + probe.statusCode() + " X-Cache " + tier);
        }
        String url = target.pod().uri(target.path()).toString();
        log("warm-up " + warmup + ": " + target.name());
        wrk(threads, connections, warmup, url);
        log("wrk -t" + threads + " -c" + connections + " -d" + duration + ": " + target.name());
        boolean l1 = "L1".equals(target.expectedTier());
        double hitsBefore = l1 ? l1Hits(target.pod()) : 0;
        String out = wrk(threads, connections, duration, url);
        Outcome outcome = parse(target, out, probe.body().getBytes(StandardCharsets.UTF_8).length);
        if (l1) {
            // an L1 that the pod stopped trusting (its feed starved of CPU for catalog.events.feed-stale-after)
            // answers from L2: say how many requests L1 really answered
            outcome = outcome.withL1Share((l1Hits(target.pod()) - hitsBefore) / Math.max(1, requests(out)));
        }
        log(String.format(Locale.ROOT, "  %.0f req/s, p50 %.2f ms, p99 %.2f ms", outcome.requestsPerSecond(),
                outcome.p50Ms(), outcome.p99Ms()));
        return outcome;
    }

    private static String wrk(String threads, String connections, String duration, String url)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + duration, "--latency",
                url).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        return out;
    }

    static Outcome parse(Target target, String out, int bodyBytes) {
        double rps = number(out, "Requests/sec:\\s+([\\d.]+)");
        double avg = millis(out, "Latency\\s+([\\d.]+)(us|ms|s)\\s");
        double p50 = millis(out, "\\s50%\\s+([\\d.]+)(us|ms|s)");
        double p99 = millis(out, "\\s99%\\s+([\\d.]+)(us|ms|s)");
        Matcher m = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)").matcher(out);
        long errors = m.find() ? Long.parseLong(m.group(1)) : 0;
        Matcher socket = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
                .matcher(out);
        if (socket.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(socket.group(i));
            }
        }
        return new Outcome(target, rps, p50, p99, avg, errors, bodyBytes, Double.NaN);
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no " + regex + " in wrk output:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    private static double millis(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no " + regex + " in wrk output:\n" + text);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    private static String report(List<Outcome> outcomes, String threads, String connections, String duration,
            Duration elapsed, String loadBefore, String loadAfter, String commit) {
        double bare = mean(outcomes, BARE);
        double l1 = mean(outcomes, L1_HIT);
        StringBuilder out = new StringBuilder("# Read-tier throughput (wrk)\n\n");
        out.append(String.format(Locale.ROOT, "**L1 hit / bare app: %.2f** (means of %d alternating runs each: "
                + "%.0f and %.0f requests/s; per round: %s)\n\n", l1 / bare, ROUNDS, l1, bare, rounds(outcomes)));
        out.append("- Date: ").append(Instant.now()).append('\n');
        out.append("- Commit: ").append(commit).append('\n');
        out.append("- Command: `").append(Provenance.command("java io.catalog.bench.WrkBench")).append("`\n");
        out.append("- Machine: ").append(io.catalog.lab.LabMachine.describe()).append('\n');
        out.append("- Load average (1, 5, 15 min) before and after: ").append(loadBefore).append(" / ")
                .append(loadAfter).append('\n');
        out.append("- Load: `wrk -t").append(threads).append(" -c").append(connections).append(" -d").append(duration)
                .append(" --latency` per target, after a warm-up run; one process per target (256 MB heap, serial "
                        + "GC): the bare app (`benchmarks/bare-app`), three pods of the service; all on the same "
                        + "machine as wrk, redis-server and dynalite; the bare app and the L1 pod warmed up first ("
                        + System.getProperty("bench.jitWarmup", "20s") + " of wrk each). Wall time ")
                .append(elapsed.toSeconds()).append(" s.\n\n");
        out.append("| target | requests/s | × bare app | p50 | p99 | avg | errors | body bytes | answered by L1 |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (Outcome o : outcomes) {
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.2f ms | %.2f ms | %.2f ms | %d | %d | %s |\n",
                    o.target().name(), o.requestsPerSecond(), o.requestsPerSecond() / bare, o.p50Ms(), o.p99Ms(),
                    o.avgMs(), o.errors(), o.bodyBytes(),
                    Double.isNaN(o.l1Share()) ? "" : String.format(Locale.ROOT, "%.1f %%", 100 * o.l1Share())));
        }
        return out.toString();
    }

    /** The L1 hit / bare ratio of each round, in order. */
    private static String rounds(List<Outcome> outcomes) {
        List<Outcome> bare = outcomes.stream().filter(o -> o.target().group().equals(BARE)).toList();
        List<Outcome> l1 = outcomes.stream().filter(o -> o.target().group().equals(L1_HIT)).toList();
        List<String> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(bare.size(), l1.size()); i++) {
            ratios.add(String.format(Locale.ROOT, "%.2f", l1.get(i).requestsPerSecond() / bare.get(i).requestsPerSecond()));
        }
        return String.join(", ", ratios);
    }

    private static double mean(List<Outcome> outcomes, String group) {
        return outcomes.stream().filter(o -> o.target().group().equals(group))
                .mapToDouble(Outcome::requestsPerSecond).average().orElseThrow();
    }

    private static void log(String line) {
        System.out.println("[bench " + Instant.now().toString().substring(11, 19) + "] " + line);
    }

}
