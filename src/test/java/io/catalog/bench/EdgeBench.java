package io.catalog.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

import io.catalog.testing.FreePorts;
import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;
import io.catalog.testing.VarnishServer;

/**
 * How long an isolated change takes to reach the edge: three pods of the packaged service behind one real Varnish
 * (the shipped VCL with xkey, purged by the pods), one product cached at the edge; a price change ({@code PATCH},
 * straight to a pod) after a quiet second, then reads through Varnish in a tight loop until it serves the new
 * version. The figure is the time from the {@code PATCH}'s acknowledgement (its answer received) to the first edge
 * answer with the new version, per change. Results are printed and written to {@code results/bench/edge.md} (or
 * {@code -Dbench.output}). Run by {@code bin/bench --edge}.
 */
public final class EdgeBench {

    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) throws Exception {
        int changes = Integer.getInteger("bench.changes", 30);
        Duration quiet = Duration.ofMillis(Long.getLong("bench.quietMillis", 1000));
        Path output = Path.of(System.getProperty("bench.output",
                PodCluster.projectRoot().resolve("results/bench/edge.md").toString()));
        String loadBefore = Provenance.loadAverage();
        String commit = Provenance.commit();
        long t0 = System.nanoTime();
        List<Double> millis = new ArrayList<>();
        int edgePort = FreePorts.find();
        try (PodCluster cluster = PodCluster.startInfrastructure()) {
            log("starting 3 pods purging a Varnish on port " + edgePort + "...");
            List<Pod> pods = cluster.startPods(3,
                    Map.of("CATALOG_EDGE_PURGE_VARNISH_URLS", "http://127.0.0.1:" + edgePort));
            try (VarnishServer edge = VarnishServer.start(edgePort,
                    pods.stream().map(p -> p.uri("").getPort()).toList(), "64m")) {
                Pod writer = pods.get(0);
                String token = cluster.adminToken();
                send(writer, "PUT", "/admin/products/edge-bench",
                        "{\"name\":\"Edge bench\",\"category\":\"bench\",\"price\":10.00}", token);
                for (int i = 1; i <= changes; i++) {
                    long current = cachedAtTheEdge(edge);
                    Thread.sleep(quiet.toMillis());
                    HttpResponse<String> patch = send(writer, "PATCH", "/admin/products/edge-bench/price",
                            String.format(Locale.ROOT, "{\"price\":%d.%02d}", 10 + i, i % 100), token);
                    long acknowledged = System.nanoTime();
                    long version = version(patch.body());
                    if (version <= current) {
                        throw new IllegalStateException("PATCH answered version " + version + " after " + current);
                    }
                    while (version(get(edge).body()) < version) {
                        if (System.nanoTime() - acknowledged > Duration.ofSeconds(40).toNanos()) {
                            throw new IllegalStateException("the edge never served version " + version);
                        }
                    }
                    millis.add((System.nanoTime() - acknowledged) / 1e6);
                    log(String.format(Locale.ROOT, "change %d: new version at the edge %.1f ms after the ack", i,
                            millis.get(millis.size() - 1)));
                }
            }
            cluster.stopPods();
        }
        String report = report(millis, quiet, Duration.ofNanos(System.nanoTime() - t0), loadBefore,
                Provenance.loadAverage(), commit);
        Files.createDirectories(output.getParent());
        Files.writeString(output, report);
        System.out.println(report);
        log("written to " + output);
    }

    /** Reads the product through Varnish until it is an edge HIT; returns the version cached. */
    private static long cachedAtTheEdge(VarnishServer edge) throws Exception {
        for (int i = 0; i < 500; i++) {
            HttpResponse<String> response = get(edge);
            if (response.statusCode() == 200 && "HIT".equals(response.headers().firstValue("X-Varnish-Cache")
                    .orElse(null))) {
                return version(response.body());
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the product was never an edge HIT");
    }

    private static HttpResponse<String> get(VarnishServer edge) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(edge.uri("/products/edge-bench")).timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(Pod pod, String method, String path, String body, String token) {
        HttpResponse<String> response = pod.send(HttpRequest.newBuilder(pod.uri(path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response;
    }

    static long version(String body) {
        Matcher m = VERSION.matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String report(List<Double> millis, Duration quiet, Duration elapsed, String loadBefore,
            String loadAfter, String commit) {
        List<Double> sorted = millis.stream().sorted().toList();
        long under50 = sorted.stream().filter(m -> m < 50).count();
        StringBuilder out = new StringBuilder("# An isolated change at the edge (Varnish)\n\n");
        out.append(String.format(Locale.ROOT, "**p50 %.1f ms, p90 %.1f ms, max %.1f ms** from a PATCH's "
                + "acknowledgement to Varnish serving the new version; %d of %d changes under 50 ms.\n\n",
                percentile(sorted, 0.5), percentile(sorted, 0.9), sorted.get(sorted.size() - 1), under50,
                sorted.size()));
        out.append("- Date: ").append(Instant.now()).append('\n');
        out.append("- Commit: ").append(commit).append('\n');
        out.append("- Command: `").append(Provenance.command("java io.catalog.bench.EdgeBench")).append("`\n");
        out.append("- Machine: ").append(io.catalog.lab.LabMachine.describe()).append('\n');
        out.append("- Load average (1, 5, 15 min) before and after: ").append(loadBefore).append(" / ")
                .append(loadAfter).append('\n');
        out.append("- Setup: three pods (256 MB heap, serial GC) behind one Varnish (`deploy/edge/varnish.vcl`, "
                + "xkey), default purge settings (window 100 ms, settle 2 s); one product cached at the edge; ")
                .append(sorted.size()).append(" price changes, each after ").append(quiet.toMillis())
                .append(" ms without any (an isolated change), sent straight to one pod; the edge read in a tight "
                        + "loop from the acknowledgement on. Wall time ")
                .append(elapsed.toSeconds()).append(" s.\n\n");
        out.append("| change | ms after the ack |\n|---|---|\n");
        for (int i = 0; i < millis.size(); i++) {
            out.append(String.format(Locale.ROOT, "| %d | %.1f |\n", i + 1, millis.get(i)));
        }
        return out.toString();
    }

    private static double percentile(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static void log(String line) {
        System.out.println("[edge-bench " + Instant.now().toString().substring(11, 19) + "] " + line);
    }
}
