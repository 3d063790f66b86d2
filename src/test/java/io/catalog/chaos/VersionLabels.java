package io.catalog.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * API.md 3's label of pages and summaries, read from the recorded answers: one {@code X-Cache-Version} names one body
 * ({@code ETag}). The labels are issued through Redis, which a fault run restarts and kills, and a pod frozen across a
 * restart asks in the ended incarnation's key space until it notices (docs/COHERENCE.md, "Not covered": the computed version is
 * served then, and it can stay
 * where it was while a body takes in a change appended late), so it is counted, not checked: how many versions were shown with
 * two bodies or
 * more, and how many of those by one pod (what that pod's {@code catalog_aggregates_version_repeats_total} counts;
 * the rest were two pods at different points of the feed under one version).
 */
final class VersionLabels {

    /**
     * What the answers of one kind showed.
     *
     * @param answers the 200 answers with a version
     * @param versions distinct (category, version) pairs shown
     * @param repeated those shown with two bodies or more
     * @param onOnePod those of them that one pod showed with two bodies or more
     * @param sameItems those of them (pages) whose bodies list the same products in the same order, differing only in
     *        a product's version: a change that took a lower sequence than one the page already showed, or a pod
     *        showing a product newer than its feed; the rest differ in which products they list (membership)
     * @param examples a few of them: category, version, and each body with the pods that showed it
     */
    record Count(String what, long answers, long versions, long repeated, long onOnePod, long sameItems,
            List<String> examples) {
    }

    /** One answer; {@code ids} the products a page lists, in order ({@code null} for a summary). */
    private record Shown(String category, long version, String etag, String pod, List<String> ids) {
    }

    private VersionLabels() {
    }

    static List<Count> count(History history) {
        return List.of(
                count("page", history.pages.stream().filter(r -> r.status() == 200 && r.cacheVersion() >= 0)
                        .map(r -> new Shown(r.category(), r.cacheVersion(), r.etag(), r.pod(),
                                r.items().stream().map(History.Item::id).toList()))
                        .toList()),
                count("summary", history.summaries.stream().filter(r -> r.status() == 200 && r.cacheVersion() >= 0)
                        .map(r -> new Shown(r.category(), r.cacheVersion(), r.etag(), r.pod(), null)).toList()));
    }

    private static Count count(String what, Collection<Shown> answers) {
        Map<String, List<Shown>> byVersion = new TreeMap<>(answers.stream()
                .collect(Collectors.groupingBy(s -> s.category() + " @ " + s.version())));
        long repeated = 0;
        long onOnePod = 0;
        long sameItems = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, List<Shown>> version : byVersion.entrySet()) {
            Map<String, Set<String>> podsByBody = bodies(version.getValue(), Shown::etag, Shown::pod);
            if (podsByBody.size() < 2) {
                continue;
            }
            repeated++;
            if (bodies(version.getValue(), Shown::pod, Shown::etag).values().stream().anyMatch(e -> e.size() > 1)) {
                onOnePod++;
            }
            if (version.getValue().get(0).ids() != null
                    && version.getValue().stream().map(Shown::ids).distinct().count() == 1) {
                sameItems++;
            }
            if (examples.size() < ChaosReport.EXAMPLES) {
                examples.add(version.getKey() + ": " + podsByBody.entrySet().stream()
                        .map(b -> b.getKey() + " on " + String.join(", ", b.getValue()))
                        .collect(Collectors.joining("; ")));
            }
        }
        return new Count(what, answers.size(), byVersion.size(), repeated, onOnePod, sameItems, examples);
    }

    private static Map<String, Set<String>> bodies(List<Shown> answers, Function<Shown, String> key,
            Function<Shown, String> value) {
        Map<String, Set<String>> grouped = new LinkedHashMap<>();
        answers.forEach(a -> grouped.computeIfAbsent(key.apply(a), k -> new TreeSet<>()).add(value.apply(a)));
        return grouped;
    }
}
