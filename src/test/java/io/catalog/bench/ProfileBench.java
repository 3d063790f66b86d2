package io.catalog.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.catalog.testing.Pod;
import io.catalog.testing.PodCluster;

/**
 * The L1 hit against the bare app under {@link WrkBench}'s load ({@code wrk -t2 -c32} on one product), for finding
 * where an L1 hit's time goes and for comparing builds of the service in one run (issue 12's fast path work; not
 * run by {@code bin/bench}). Starts the bare app and one pod per build ({@code -Dprofile.builds=name=path/to/
 * quarkus-run.jar,...}, by default this tree's {@code target/quarkus-app} as {@code l1}), then alternates
 * {@code -Dprofile.rounds} rounds (1) of wrk over the bare app and each build, {@code -Dprofile.duration} (20 s) each
 * after a warm-up. Per run it prints requests/s and the process's CPU time per request (user + system from
 * {@code /proc/<pid>/stat}: on a machine shared with other work that figure moves less than requests/s), and at the
 * end each build's ratios to the bare app. With {@code -Dprofile.jfr=true} the first round of each target is also
 * recorded with JFR ({@code jcmd JFR.start}, settings {@code -Dprofile.settings}, by default the JDK's
 * {@code profile}) into {@code -Dprofile.dir} (target/profile) as {@code <name>.jfr}. {@code -Dprofile.env=K=V,...}
 * adds environment variables to the pods.
 */
public final class ProfileBench {

    private static final long CLOCK_TICKS = 100; // USER_HZ, 100 on Linux

    record Run(String name, int round, double requestsPerSecond, double cpuMicrosPerRequest) {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String duration = System.getProperty("profile.duration", "20s");
        String warmup = System.getProperty("profile.warmup", "20s");
        int rounds = Integer.getInteger("profile.rounds", 1);
        boolean jfr = Boolean.getBoolean("profile.jfr");
        String settings = System.getProperty("profile.settings", "profile");
        Path dir = Path.of(System.getProperty("profile.dir", "target/profile")).toAbsolutePath();
        Files.createDirectories(dir);
        Map<String, String> env = new HashMap<String, String>();
        env.putAll(pairs(System.getProperty("profile.env", "")));
        Map<String, String> builds = pairs(System.getProperty("profile.builds",
                "l1=" + PodCluster.projectRoot().resolve("target/quarkus-app/quarkus-run.jar")));
        String loadBefore = Provenance.loadAverage();
        List<Run> runs = new ArrayList<>();
        try (PodCluster cluster = PodCluster.startInfrastructure();
                Pod bare = Pod.startApp("bare-app", PodCluster.projectRoot().resolve(WrkBench.BARE_APP_JAR), Map.of(),
                        "/item")) {
            Map<String, Pod> targets = new LinkedHashMap<>();
            Map<String, String> paths = new HashMap<>();
            targets.put("bare", bare);
            paths.put("bare", "/item");
            for (Map.Entry<String, String> build : builds.entrySet()) {
                targets.put(build.getKey(), cluster.startPods(1, env, Path.of(build.getValue())).get(0));
                paths.put(build.getKey(), "/products/bench-1");
            }
            Pod first = targets.get(builds.keySet().iterator().next());
            WrkBench.putBenchItem(first, cluster.adminToken());
            for (String name : builds.keySet()) {
                Pod pod = targets.get(name);
                String tier = "";
                for (int i = 0; i < 20 && !tier.equals("L1"); i++) {
                    tier = pod.get("/products/bench-1").headers().firstValue("X-Cache").orElse("");
                }
                if (!tier.equals("L1")) {
                    throw new IllegalStateException(name + ": X-Cache " + tier);
                }
            }
            for (int round = 1; round <= rounds; round++) {
                for (Map.Entry<String, Pod> target : targets.entrySet()) {
                    String name = target.getKey();
                    Pod pod = target.getValue();
                    String url = pod.uri(paths.get(name)).toString();
                    wrk(round == 1 ? warmup : "5s", url);
                    long pid = pidListening(pod.uri("/").getPort());
                    boolean record = jfr && round == 1;
                    if (record) {
                        jcmd(pid, "JFR.start", "name=profile", "settings=" + settings,
                                "filename=" + dir.resolve(name + ".jfr"));
                    }
                    long cpuBefore = cpuTicks(pid);
                    String out = wrk(duration, url);
                    long cpu = cpuTicks(pid) - cpuBefore;
                    if (record) {
                        jcmd(pid, "JFR.stop", "name=profile");
                    }
                    long requests = WrkBench.requests(out);
                    Matcher m = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
                    Run run = new Run(name, round, m.find() ? Double.parseDouble(m.group(1)) : 0,
                            cpu * 1_000_000.0 / CLOCK_TICKS / Math.max(1, requests));
                    runs.add(run);
                    log(String.format(Locale.ROOT, "round %d %-12s %8.0f requests/s  %6.2f µs CPU/request", round,
                            name, run.requestsPerSecond(), run.cpuMicrosPerRequest()));
                }
            }
            cluster.stopPods();
        }
        log("load average before / after: " + loadBefore + " / " + Provenance.loadAverage());
        double bareRps = mean(runs, "bare", Run::requestsPerSecond);
        double bareCpu = mean(runs, "bare", Run::cpuMicrosPerRequest);
        for (String name : builds.keySet()) {
            List<String> perRound = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                perRound.add(String.format(Locale.ROOT, "%.2f", find(runs, name, round).requestsPerSecond()
                        / find(runs, "bare", round).requestsPerSecond()));
            }
            log(String.format(Locale.ROOT, "%-12s requests/s × bare %.2f (rounds %s); CPU/request × bare %.2f",
                    name, mean(runs, name, Run::requestsPerSecond) / bareRps, String.join(", ", perRound),
                    mean(runs, name, Run::cpuMicrosPerRequest) / bareCpu));
        }
    }

    private static Map<String, String> pairs(String list) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : list.split(",")) {
            if (pair.contains("=")) {
                pairs.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        return pairs;
    }

    private static double mean(List<Run> runs, String name, java.util.function.ToDoubleFunction<Run> value) {
        return runs.stream().filter(r -> r.name().equals(name)).mapToDouble(value).average().orElse(Double.NaN);
    }

    private static Run find(List<Run> runs, String name, int round) {
        return runs.stream().filter(r -> r.name().equals(name) && r.round() == round).findFirst().orElseThrow();
    }

    /** User + system CPU ticks of process {@code pid} so far (fields 14 and 15 of {@code /proc/<pid>/stat}). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The pid of the process listening on {@code port} (from {@code ss -ltnp}). */
    private static long pidListening(int port) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-ltnpH", "sport = :" + port).redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ss.waitFor();
        Matcher m = Pattern.compile("pid=(\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no process listens on " + port + ": " + out);
        }
        return Long.parseLong(m.group(1));
    }

    private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("jcmd failed: " + out);
        }
    }

    private static String wrk(String duration, String url) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("wrk", "-t2", "-c32", "-d" + duration, "--latency", url)
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + out);
        }
        return out;
    }

    private static void log(String line) {
        System.out.println("[profile " + Instant.now().toString().substring(11, 19) + "] " + line);
    }
}
