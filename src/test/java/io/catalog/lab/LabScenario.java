package io.catalog.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.catalog.testing.PodCluster;

/**
 * The parameters of one staleness-lab run. {@link #fromSystemProperties()} reads {@code lab.*} system properties on
 * top of a named preset ({@code lab.scenario=quick|default}; anything else is a custom name on the default preset).
 *
 * @param name the scenario's name: results go to {@code results/<name>/}
 * @param pods pods per strategy
 * @param products catalog size (loaded once)
 * @param categories categories of the catalog
 * @param duration how long each strategy is driven
 * @param updateRate admin price updates per second (products changed per second, batches included)
 * @param strategies which strategies to run (1-4)
 * @param readThreads browsing threads (closed loop, no think time)
 * @param checkoutThreads shopper threads (read a product, then quote it)
 * @param zipfS Zipf exponent of product popularity (reads and checkouts; updates are uniform)
 * @param batchShare share of update steps that are a small batch instead of a single PATCH
 * @param batchSize products in such a batch
 * @param varnish put one Varnish (the shipped VCL, round robin over the pods) in front of the pods for the browsing
 *        reads; the full design's pods (strategies 3, 4) purge it
 * @param output folder of results.md and staleness.svg
 */
public record LabScenario(String name, int pods, int products, int categories, Duration duration, double updateRate,
        List<Integer> strategies, int readThreads, int checkoutThreads, double zipfS, double batchShare, int batchSize,
        boolean varnish, Path output) {

    /** {@code default}: 3 pods, 10,000 products, 60 s per strategy, 5 updates/s, strategies 1-4. */
    public static LabScenario defaults(String name) {
        return new LabScenario(name, 3, 10_000, 16, Duration.ofSeconds(60), 5, List.of(1, 2, 3, 4), 4, 1, 1.0, 0.05,
                5, false, PodCluster.projectRoot().resolve("results").resolve(name));
    }

    /** {@code quick}: as default but 1,000 products and 12 s per strategy. */
    public static LabScenario quick() {
        LabScenario d = defaults("quick");
        return new LabScenario("quick", d.pods, 1_000, d.categories, Duration.ofSeconds(12), d.updateRate,
                d.strategies, d.readThreads, d.checkoutThreads, d.zipfS, d.batchShare, d.batchSize, false, d.output);
    }

    /**
     * The scenario of the {@code lab.*} system properties: {@code lab.scenario} (the preset: {@code quick}, the
     * default, or {@code default}), {@code lab.name} (default: the preset's name), {@code lab.output} (default
     * {@code target/lab/<name>}),
     * {@code lab.pods}, {@code lab.products}, {@code lab.duration} (e.g. {@code 60s}, {@code 2m}),
     * {@code lab.updateRate}, {@code lab.strategies} ({@code 1,2,3,4}), {@code lab.readThreads},
     * {@code lab.checkoutThreads}, {@code lab.zipf}, {@code lab.varnish}, {@code lab.output}.
     */
    public static LabScenario fromSystemProperties() {
        String preset = prop("lab.scenario", "quick");
        String name = prop("lab.name", preset);
        LabScenario base = "quick".equals(preset) ? quick() : defaults(name);
        // bin/lab writes to results/<name>; a plain `./mvnw verify` only to target/, never over committed results
        Path output = System.getProperty("lab.output") == null || System.getProperty("lab.output").isBlank()
                ? PodCluster.projectRoot().resolve("target").resolve("lab").resolve(name)
                : Path.of(System.getProperty("lab.output"));
        return new LabScenario(name,
                Integer.parseInt(prop("lab.pods", Integer.toString(base.pods))),
                Integer.parseInt(prop("lab.products", Integer.toString(base.products))),
                base.categories,
                duration(prop("lab.duration", base.duration.toSeconds() + "s")),
                Double.parseDouble(prop("lab.updateRate", Double.toString(base.updateRate))),
                strategies(prop("lab.strategies", "1,2,3,4")),
                Integer.parseInt(prop("lab.readThreads", Integer.toString(base.readThreads))),
                Integer.parseInt(prop("lab.checkoutThreads", Integer.toString(base.checkoutThreads))),
                Double.parseDouble(prop("lab.zipf", Double.toString(base.zipfS))),
                base.batchShare, base.batchSize,
                Boolean.parseBoolean(prop("lab.varnish", "false")), output);
    }

    private static String prop(String key, String fallback) {
        String value = System.getProperty(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    static Duration duration(String text) {
        String t = text.trim().toLowerCase();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        if (t.endsWith("m")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
        }
        return Duration.ofSeconds(Long.parseLong(t));
    }

    private static List<Integer> strategies(String text) {
        List<Integer> list = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Integer::valueOf).toList();
        for (int s : list) {
            if (s < 1 || s > 4) {
                throw new IllegalArgumentException("lab.strategies: strategies are 1 to 4, not " + s);
            }
        }
        return list;
    }

    String describe() {
        return String.format("%d pods, %,d products in %d categories, %d s per strategy, %.1f price updates/s "
                + "(uniform; %.0f%% of update steps a batch of %d), reads Zipf s=%.2f from %d browsing threads "
                + "(product 80%%, category list 10%%, summary 10%%), %d shopper thread(s), strategies %s",
                pods, products, categories, duration.toSeconds(), updateRate, batchShare * 100, batchSize, zipfS,
                readThreads, checkoutThreads, strategies)
                + (varnish ? ", browsing reads through one Varnish (shipped VCL, round robin over the pods; "
                        + "purged by strategies 3 and 4 only)" : "");
    }
}
