package io.catalog.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.catalog.bench.Provenance;
import io.catalog.chaos.History.Outcome;
import io.catalog.chaos.History.Write;

/** Writes what a {@link ChaosRun} did and found: operations, faults by kind, write latencies, violations by kind. */
final class ChaosReport {

    static final int EXAMPLES = 5;

    private final ChaosRun.Settings settings;
    private final History history;
    private final List<HistoryChecker.Violation> violations;
    private final long unchecked;
    private final Map<String, Integer> faults;
    private final List<long[]> stalls;

    ChaosReport(ChaosRun.Settings settings, History history, List<HistoryChecker.Violation> violations,
            long unchecked, Map<String, Integer> faults, List<long[]> stalls) {
        this.settings = settings;
        this.history = history;
        this.violations = violations;
        this.unchecked = unchecked;
        this.faults = faults;
        this.stalls = stalls;
    }

    Path write() {
        StringBuilder out = new StringBuilder();
        out.append("# Fault run (`bin/chaos`)\n\n");
        out.append("- Command: `").append(settings.command()).append("` (seed ").append(settings.seed())
                .append(": `--seed ").append(settings.seed()).append("` draws the same faults and operations)\n");
        out.append("- Commit: ").append(Provenance.commit()).append("; finished ").append(Instant.now())
                .append("; load average at the end ").append(Provenance.loadAverage()).append('\n');
        out.append("- ").append(settings.pods()).append(" pods of the packaged service (one more while one joins), one "
                + "redis-server, dynalite behind a lagging proxy; ").append(settings.duration().toSeconds())
                .append(" s of ").append(settings.writers()).append(" writers, ").append(settings.readers())
                .append(" readers and a live-changes subscriber\n");
        out.append("- Checked as docs/COHERENCE.md, \"Proving it\", says: every read, page item, summary and quote"
                + " sent after a write's acknowledgement shows it or newer; no acknowledged write is lost; every"
                + " stored change is published once the faults heal (no item keeps pending events); the"
                + " subscriber ends at every product's final version\n\n");

        out.append("## Result\n\n**").append(violations.size()).append(" violation(s)** in ")
                .append(history.operations()).append(" operations and ").append(history.faults.size())
                .append(" faults (").append(unchecked)
                .append(" (read, product) pairs of pages and summaries not checked: a write of that product was in flight).\n\n");

        out.append("## Operations\n\n| operation | count | by status |\n|---|---|---|\n");
        row(out, "write (per product; batches per item)", history.writes, w -> w.outcome().name().toLowerCase());
        row(out, "product read", history.reads, r -> Integer.toString(r.status()));
        row(out, "page read", history.pages, r -> Integer.toString(r.status()));
        row(out, "summary read", history.summaries, r -> Integer.toString(r.status()));
        row(out, "quote", history.quotes, r -> Integer.toString(r.status()));
        out.append("| live-changes events | ").append(history.subscriberEvents.get()).append(" | resets: ")
                .append(history.subscriberResets.get()).append(" |\n\n");

        out.append("## Faults\n\n| fault | count |\n|---|---|\n");
        for (String kind : Faults.KINDS) {
            out.append("| ").append(kind).append(" | ").append(faults.getOrDefault(kind, 0)).append(" |\n");
        }
        out.append('\n');

        out.append("## Acknowledged writes: latency (ms)\n\n| when | writes | p50 | p99 | max |\n|---|---|---|---|---|\n");
        List<Write> acked = history.writes.stream().filter(w -> w.outcome() == Outcome.ACKED
                && !w.kind().equals("BATCH")).toList();
        latency(out, "all (single-product writes)", acked);
        latency(out, "while a pod was frozen (SIGSTOP)", acked.stream().filter(this::duringAStall).toList());
        latency(out, "no pod frozen", acked.stream().filter(w -> !duringAStall(w)).toList());
        out.append('\n');

        out.append("## Violations by kind\n\n");
        if (violations.isEmpty()) {
            out.append("None.\n");
        }
        HistoryChecker.byKind(violations).forEach((kind, list) -> {
            out.append("### ").append(kind).append(" (").append(list.size()).append(")\n\n");
            list.stream().limit(EXAMPLES).forEach(v -> out.append("- ").append(v.detail()).append('\n'));
            out.append('\n');
        });
        out.append("\n## Not covered, counted: one X-Cache-Version, two bodies\n\n");
        out.append("API.md 3 says a page's or summary's `X-Cache-Version` rises with every change of it, so one version"
                + " names one body. The labels are issued through Redis (docs/COHERENCE.md, \"Labels of pages and"
                + " summaries\"), so it can name two only when neither Redis nor the pod's sequences"
                + " give one, or on a pod that has not noticed a restart of Redis yet: \"Not covered\"; each pod counts what it serves in"
                + " `catalog_aggregates_version_repeats_total`): not a violation of what is checked above, and counted"
                + " here from the recorded answers (their `ETag`).\n\n"
                + "| read | 200 answers with a version | versions shown | shown with two bodies or more | of which by one pod "
                + "| of which listing the same products (a product's version differs) |\n"
                + "|---|---|---|---|---|---|\n");
        List<VersionLabels.Count> labels = VersionLabels.count(history);
        labels.forEach(c -> out.append("| ").append(c.what()).append(" | ").append(c.answers()).append(" | ")
                .append(c.versions()).append(" | ").append(c.repeated()).append(" | ").append(c.onOnePod())
                .append(" | ").append(c.what().equals("page") ? Long.toString(c.sameItems()) : "-").append(" |\n"));
        labels.forEach(c -> c.examples().forEach(e -> out.append("\n- ").append(c.what()).append(' ').append(e)));
        out.append("\n\n## Faults in order\n\n");
        history.faults.stream().limit(400).forEach(f -> out.append("- ").append(HistoryChecker.at(f.at()))
                .append(": ").append(f.kind()).append(", ").append(f.detail()).append('\n'));
        try {
            Files.writeString(settings.output(), out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings.output();
    }

    private boolean duringAStall(Write write) {
        return stalls.stream().anyMatch(s -> write.sent() < s[1] && write.received() > s[0]);
    }

    private static <T> void row(StringBuilder out, String name, Collection<T> ops, Function<T, String> status) {
        Map<String, Long> counts = new TreeMap<>(ops.stream().collect(Collectors.groupingBy(status,
                Collectors.counting())));
        out.append("| ").append(name).append(" | ").append(ops.size()).append(" | ")
                .append(counts.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining(", ")))
                .append(" |\n");
    }

    private static void latency(StringBuilder out, String when, List<Write> writes) {
        List<Long> millis = new ArrayList<>(writes.stream().map(w -> (w.received() - w.sent()) / 1_000_000).toList());
        millis.sort(null);
        out.append("| ").append(when).append(" | ").append(millis.size()).append(" | ")
                .append(percentile(millis, 0.5)).append(" | ").append(percentile(millis, 0.99)).append(" | ")
                .append(millis.isEmpty() ? "-" : millis.get(millis.size() - 1)).append(" |\n");
    }

    private static String percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return "-";
        }
        return Long.toString(sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1)));
    }
}
