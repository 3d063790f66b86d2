package io.catalog.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import io.catalog.lab.LabAnalysis.Latency;
import io.catalog.lab.LabAnalysis.StrategyFigures;
import io.catalog.lab.LabRecords.Endpoint;

/** Writes {@code results.md} (tables) and {@code staleness.svg} (a hand-written bar chart). */
final class LabReport {

    private LabReport() {
    }

    static LabResult write(LabScenario scenario, List<StrategyFigures> figures, Duration elapsed) throws IOException {
        Files.createDirectories(scenario.output());
        Path md = scenario.output().resolve("results.md");
        Path svg = scenario.output().resolve("staleness.svg");
        Files.writeString(md, markdown(scenario, figures, elapsed));
        Files.writeString(svg, svg(scenario, figures));
        return new LabResult(scenario, figures, md, svg, elapsed);
    }

    static String summaryLine(StrategyFigures f) {
        String edge = f.edgeReads() == 0 ? ""
                : String.format(Locale.ROOT,
                        "; edge (Varnish) HIT %s of %,d browsing reads, %d stale HITs (W=0)",
                        pct(ratio(f.edgeHits(), f.edgeReads())), f.edgeReads(), f.edgeHitsStale());
        return String.format(Locale.ROOT, "strategy %d: stale product reads %s (W=0) %s (W=10ms) %s (W=100ms) of %,d;"
                + " aggregates %s (W=0); stale-shown checkouts %d/%d (%s), mis-priced %d; hit L1 %s L2 %s;"
                + " DynamoDB loads %.1f/s; propagation p50 %s p99 %s",
                f.number(), pct(f.productStale()[0]), pct(f.productStale()[1]), pct(f.productStale()[2]),
                f.productReads(), pct(f.aggregateStale()[0]), f.staleShown(), f.checkouts(),
                pct(ratio(f.staleShown(), f.checkouts())), f.misPriced(), pct(f.l1()), pct(f.l2()),
                f.loadsPerSecond(), ms(f.propagationP50()), ms(f.propagationP99())) + edge;
    }

    private static String markdown(LabScenario s, List<StrategyFigures> figures, Duration elapsed) {
        StringBuilder out = new StringBuilder();
        out.append("# Staleness lab: scenario `").append(s.name()).append("`\n\n");
        out.append("- Date: ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT
                .withZone(ZoneOffset.UTC))).append('\n');
        out.append("- Parameters: ").append(s.describe()).append('\n');
        out.append("- Machine: ").append(machine()).append('\n');
        out.append("- Commit measured: `").append(LabMachine.commit()).append("`; load average at the end: ")
                .append(LabMachine.load()).append('\n');
        out.append("- Wall time of the lab (infrastructure, catalog load, pod restarts, runs): ")
                .append(elapsed.toSeconds()).append(" s\n\n");
        out.append("A read is *stale at W* when it returned a version older than a write of that resource "
                + "acknowledged at least W before the read started (products: the body's `version`; summaries: "
                + "`X-Cache-Version`, the category's generation); a list page is stale at W when any item in it is "
                + "(its `version` older than a write of that product acknowledged at least W before). *Stale-shown*: the shopper was shown a "
                + "price superseded by a write acknowledged before the quote (the quote then answers 409). "
                + "*Mis-priced*: a quote price (200 `unitPrice` or 409 `currentPrices`) that the product did not "
                + "have during the quote request; 0 by construction. Tiers: share of 200 GETs answered by each "
                + "(`X-Cache`). DynamoDB loads/s: `catalog_store_loads_total` delta over the run, all pods (cache "
                + "misses only; checkout quotes read DynamoDB too and are not in it). Propagation: the pods' "
                + "`catalog_events_propagation_seconds`, median of the pods' p50 and worst pod's p99.\n\n");
        out.append("| strategy | product reads | stale W=0 | stale W=10 ms | stale W=100 ms | oldest stale read | "
                + "list/summary reads | their stale W=0 / W=100 ms | checkouts | stale-shown (→409) | mis-priced | "
                + "L1 / L2 / MISS | DynamoDB loads/s | propagation p50 / p99 |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (StrategyFigures f : figures) {
            out.append(String.format(Locale.ROOT,
                    "| %s | %,d | %s | %s | %s | %s | %,d | %s / %s | %,d | %d = %s (%d) | %d | %s / %s / %s | %.1f | %s |\n",
                    f.label(), f.productReads(), pct(f.productStale()[0]), pct(f.productStale()[1]),
                    pct(f.productStale()[2]), f.productStaleMaxAgeMs() > 0 ? ms(f.productStaleMaxAgeMs()) : "-",
                    f.aggregateReads(), pct(f.aggregateStale()[0]), pct(f.aggregateStale()[2]), f.checkouts(),
                    f.staleShown(), pct(ratio(f.staleShown(), f.checkouts())), f.staleShown409(), f.misPriced(),
                    pct(f.l1()), pct(f.l2()), pct(f.miss()), f.loadsPerSecond(),
                    Double.isNaN(f.propagationP50()) ? "n/a" : ms(f.propagationP50()) + " / " + ms(f.propagationP99())));
        }
        if (s.varnish()) {
            edge(out, figures);
        }
        out.append("\nLatency per endpoint, p50 / p99 (ms, client side, including the load generator's own "
                + "scheduling on the shared cores):\n\n| strategy | reads/s | writes | errors | pod start-up |");
        for (Endpoint e : Endpoint.values()) {
            out.append(' ').append(e.label).append(" |");
        }
        out.append("\n|---|---|---|---|---|");
        out.append("---|".repeat(Endpoint.values().length)).append('\n');
        for (StrategyFigures f : figures) {
            out.append(String.format(Locale.ROOT, "| %d | %.0f | %d | %d | %.1f s |", f.number(), f.readsPerSecond(),
                    f.writes(), f.errors(), f.startupSeconds()));
            for (Endpoint e : Endpoint.values()) {
                Latency l = f.latency().get(e);
                out.append(l == null ? " - |"
                        : String.format(Locale.ROOT, " %.1f / %.1f |", l.p50(), l.p99()));
            }
            out.append('\n');
        }
        if (figures.stream().anyMatch(f -> f.errors() > 0)) {
            out.append("\nFailed requests (the first ").append(LabFailures.KEPT).append(" of each strategy's run, t from "
                    + "its start):\n\n");
            figures.stream().filter(f -> f.errors() > 0).forEach(f -> f.firstErrors()
                    .forEach(e -> out.append("- strategy ").append(f.number()).append(", ").append(e).append('\n')));
        }
        out.append("\n![stale reads and hit ratio](staleness.svg)\n");
        return out.toString();
    }

    /** The edge section of a {@code --varnish} run. */
    private static void edge(StringBuilder out, List<StrategyFigures> figures) {
        out.append("\n## Edge: Varnish in front of the pods\n\n"
                + "One `varnishd` (the shipped `deploy/edge/varnish.vcl` with xkey, its backend replaced by the pods "
                + "behind a round-robin director), restarted empty for each strategy. The browsing reads (product, "
                + "category list, summary) go through it; the shoppers' reads and quotes and the admin writes go "
                + "straight to random pods. Strategies 3 and 4 run with `CATALOG_EDGE_PURGE_VARNISH_URLS` pointing at "
                + "it (PURGE by surrogate key); strategies 1 and 2, the seed's model, have no purge and rely on "
                + "`max-age=30` (plus the VCL's grace of `stale-while-revalidate=30`). The stale columns above "
                + "therefore judge what the edge served (the body's `version`, `X-Cache-Version`, passed through "
                + "Varnish) for browsing reads, and what the pods served for the shoppers' reads. L1 / L2 / MISS "
                + "above are shares of the GETs a pod answered (edge MISS or PASS, and shoppers' reads); an edge HIT "
                + "reached no pod.\n\n");
        out.append("| strategy | edge purged | reads through the edge | edge HIT | edge MISS/PASS | "
                + "stale HITs (W=0; products, lists, summaries) | share of HITs stale |\n|---|---|---|---|---|---|---|\n");
        for (StrategyFigures f : figures) {
            out.append(String.format(Locale.ROOT, "| %d | %s | %,d | %,d (%s) | %,d | %,d | %s |\n", f.number(),
                    f.number() >= 3 ? "yes" : "no (max-age)", f.edgeReads(), f.edgeHits(),
                    pct(ratio(f.edgeHits(), f.edgeReads())), f.edgeReads() - f.edgeHits(), f.edgeHitsStale(),
                    pct(ratio(f.edgeHitsStale(), f.edgeHits()))));
        }
    }

    static String machine() {
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim() + ", ").orElse("");
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return String.format("%s%d cores (nproc), %s %s, java %s (%s %s), shared by the load generator, "
                + "the pods, redis-server and dynalite", cpu, Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.name"), System.getProperty("java.vendor"));
    }

    /** Two panels: stale product reads at W=0 (%), and hit ratio (L1 + L2, %). */
    private static String svg(LabScenario s, List<StrategyFigures> figures) {
        int width = 820;
        int height = 340;
        int panelW = 360;
        int top = 60;
        int plotH = 200;
        StringBuilder out = new StringBuilder();
        out.append(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", width, height, width, height));
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        out.append(String.format("<text x=\"%d\" y=\"22\" font-size=\"15\" text-anchor=\"middle\">Staleness lab, "
                + "scenario %s: %d pods, %,d products, %.0f updates/s, %d s per strategy</text>\n", width / 2,
                esc(s.name()), s.pods(), s.products(), s.updateRate(), s.duration().toSeconds()));
        double maxStale = figures.stream().mapToDouble(StrategyFigures::staleProductPercentW0).max().orElse(0);
        double staleScale = niceCeiling(Math.max(maxStale * 1.15, 0.1));
        panel(out, 50, top, panelW, plotH, "Stale product reads at W=0 (%)", staleScale, figures, true);
        panel(out, 50 + panelW + 60, top, panelW, plotH, "Hit ratio (%): L1 dark, L2 light", 100, figures, false);
        out.append("</svg>\n");
        return out.toString();
    }

    private static void panel(StringBuilder out, int x, int y, int w, int h, String title, double scale,
            List<StrategyFigures> figures, boolean stale) {
        out.append(String.format("<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">%s</text>\n",
                x + w / 2, y - 12, esc(title)));
        for (int i = 0; i <= 4; i++) {
            double v = scale * i / 4;
            int yy = y + h - (int) Math.round(h * i / 4.0);
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#555\">%s</text>\n", x, yy, x + w, yy, x - 4,
                    yy + 4, trim(v)));
        }
        out.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", x, y + h, x + w,
                y + h));
        int n = Math.max(1, figures.size());
        int slot = w / n;
        int bar = Math.min(60, slot - 20);
        for (int i = 0; i < figures.size(); i++) {
            StrategyFigures f = figures.get(i);
            int bx = x + i * slot + (slot - bar) / 2;
            if (stale) {
                double v = f.staleProductPercentW0();
                int bh = (int) Math.round(h * Math.min(v, scale) / scale);
                out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                        + "fill=\"#c0392b\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.3f%%</text>\n", bx,
                        y + h - bh, bar, bh, bx + bar / 2, y + h - bh - 4, v));
            } else {
                int h1 = (int) Math.round(h * f.l1());
                int h2 = (int) Math.round(h * f.l2());
                out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                        + "fill=\"#1f4e79\"/><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#7fb3e0\"/>"
                        + "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.1f%%</text>\n", bx, y + h - h1, bar, h1,
                        bx, y + h - h1 - h2, bar, h2, bx + bar / 2, y + h - h1 - h2 - 4, (f.l1() + f.l2()) * 100));
            }
            out.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">strategy %d</text>\n",
                    bx + bar / 2, y + h + 16, f.number()));
        }
        out.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\" font-size=\"11\">"
                + "1 TTL-only · 2 L2 events, L1 TTL · 3 full design · 4 full, write-through</text>\n", x + w / 2,
                y + h + 36));
    }

    private static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] { 1, 2, 2.5, 5, 10 }) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String pct(double fraction) {
        if (Double.isNaN(fraction)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, fraction == 0 ? "0 %%" : fraction < 0.001 ? "%.3f %%" : "%.2f %%",
                fraction * 100);
    }

    static String ms(double millis) {
        return Double.isNaN(millis) ? "n/a" : String.format(Locale.ROOT, "%.1f ms", millis);
    }

    static double ratio(long part, long total) {
        return total == 0 ? 0 : (double) part / total;
    }
}
