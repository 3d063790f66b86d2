package io.catalog.summary;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.catalog.model.ProductUpdated;
import io.catalog.model.SummaryState;
import io.catalog.store.Sequences;
import io.catalog.summary.RedisSummaries.Change;
import io.catalog.summary.RedisSummaries.Outcome;
import io.catalog.summary.RedisSummaries.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The relay's step that keeps the category summaries in Redis ({@link RedisSummaries}) up to date, beside the
 * counters and the L2 markers and before the sinks: when a pod hears an event, Redis already includes it, and a writer's
 * acknowledgement (which waits for the publish) implies that the summary includes the write. One script call per
 * category touched by the batch; idempotent, so the sweep may publish again. An event that arrived late (another
 * pod's relay published a newer one of the same category first) is applied under a fresh sequence above the summary's
 * (counted: {@code catalog.summaries.relabels}). The summaries after application travel in the stream entries
 * (field {@code summaries}), and go into this pod's L1 at once. Produced at start-up by {@code lab.DesignWiring}.
 */
public class SummaryMaintainer {

    static final int MAX_RELABELS = 5;

    private final RedisSummaries summaries;
    private final SummaryCoherence local;
    private final Sequences sequences;
    private final Counter relabels;

    public SummaryMaintainer(RedisSummaries summaries, SummaryCoherence local, Sequences sequences,
            MeterRegistry registry) {
        this.summaries = summaries;
        this.local = local;
        this.sequences = sequences;
        this.relabels = Counter.builder("catalog.summaries.relabels")
                .description("Summaries given a fresh version because an event reached Redis after a newer one")
                .register(registry);
    }

    /**
     * Applies the events (oldest first) to the summaries.
     *
     * @return for each event, in order, the summaries of its categories after the events as the stream carries them
     *         (field {@code summaries}), or {@code null} when there are none
     */
    public Uni<List<String>> maintain(List<ProductUpdated> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(Collections.nCopies(events.size(), (String) null));
        }
        Map<String, List<Change>> changes = changes(events);
        Map<String, Long> newest = new HashMap<>();
        changes.forEach((category, list) -> newest.put(category, list.get(list.size() - 1).sequence()));
        newest.forEach(local::await);
        Map<String, SummaryState> after = new HashMap<>();
        return Multi.createFrom().iterable(changes.entrySet())
                .onItem().transformToUniAndMerge(e -> apply(e.getKey(), e.getValue(), 0, 0)
                        .invoke(state -> {
                            if (state == null) {
                                local.recorded(e.getKey(), newest.get(e.getKey()));
                                return;
                            }
                            local.learn(state, newest.get(e.getKey()));
                            synchronized (after) {
                                after.put(e.getKey(), state);
                            }
                        }))
                .collect().last()
                .map(done -> events.stream().map(e -> summaries(e, after)).toList());
    }

    private String summaries(ProductUpdated event, Map<String, SummaryState> after) {
        List<SummaryState> states = event.categories().stream().filter(after::containsKey).map(after::get).toList();
        return states.isEmpty() ? null : local.field(states);
    }

    /** The summary after applying, or {@code null} when Redis has no structure for the category. */
    private Uni<SummaryState> apply(String category, List<Change> changes, long relabel, int attempt) {
        return summaries.apply(category, changes, relabel).chain(outcome -> {
            if (outcome.status() == Status.RELABEL && attempt < MAX_RELABELS) {
                return sequences.above(outcome.needed()).invoke(() -> relabels.increment())
                        .chain(fresh -> apply(category, changes, fresh, attempt + 1));
            }
            if (outcome.status() == Status.RELABEL) {
                return Uni.createFrom().failure(new IllegalStateException("summary of " + category
                        + " still needs a relabel after " + MAX_RELABELS + " reservations"));
            }
            return Uni.createFrom().item(state(outcome));
        });
    }

    private static SummaryState state(Outcome outcome) {
        return outcome.status() == Status.MISSING ? null : outcome.state();
    }

    /** Each category's changes, oldest first: a product's price there, or its removal (deleted, or moved out). */
    static Map<String, List<Change>> changes(List<ProductUpdated> events) {
        Map<String, List<Change>> changes = new LinkedHashMap<>();
        for (ProductUpdated e : events) {
            Long price = e.deleted() || e.price() == null ? null : SummaryState.minor(e.price());
            changes.computeIfAbsent(e.category(), c -> new ArrayList<>())
                    .add(new Change(e.productId(), e.sequence(), price));
            if (e.moved()) {
                changes.computeIfAbsent(e.previousCategory(), c -> new ArrayList<>())
                        .add(new Change(e.productId(), e.sequence(), null));
            }
        }
        return changes;
    }
}
