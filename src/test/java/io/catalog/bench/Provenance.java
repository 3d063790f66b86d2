package io.catalog.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import io.catalog.testing.PodCluster;

/**
 * What a results file records about its run: the commit it measured ({@code git rev-parse HEAD}, and whether the
 * work tree had uncommitted changes), the exact command, and how loaded the machine was.
 */
public final class Provenance {

    private Provenance() {
    }

    /**
     * {@code <sha>}, or {@code <sha> (dirty: uncommitted changes to the code)} when what is built or run (sources,
     * benchmarks, scripts, the POM, the edge's VCL) differs from it, or {@code unknown} outside a git work tree. Taken
     * when a benchmark starts, right after its build.
     */
    public static String commit() {
        String head = git("rev-parse", "HEAD");
        if (head == null) {
            return "unknown (not a git work tree)";
        }
        String status = git("status", "--porcelain", "--untracked-files=no", "--", "src", "benchmarks", "bin",
                "pom.xml", "deploy/edge");
        return status == null || status.isBlank() ? head : head + " (dirty: uncommitted changes to the code)";
    }

    /** The command that ran this, as bin/bench passes it in {@code bench.command}. */
    public static String command(String fallback) {
        return System.getProperty("bench.command", fallback);
    }

    /** The 1, 5 and 15 minute load averages ({@code /proc/loadavg}). */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return String.format(Locale.ROOT, "%s %s %s", fields[0], fields[1], fields[2]);
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String git(String... args) {
        try {
            Process process = new ProcessBuilder(concat(args)).directory(PodCluster.projectRoot().toFile())
                    .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static List<String> concat(String... args) {
        return Stream.concat(Stream.of("git"), Arrays.stream(args)).toList();
    }
}
