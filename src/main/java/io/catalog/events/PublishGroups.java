package io.catalog.events;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

import io.catalog.store.StoredProduct;
import io.catalog.support.Futures;
import io.smallrye.mutiny.Uni;

/**
 * Group commit for writers' publishes. A publish asked for while another is under way waits for it to end, and every
 * publish that waited goes in the next one together: one counter raise, one L2 update round, one summary script per
 * category, one stream append, so the other pods read the group's events in one feed round and acknowledge them once.
 * A lone writer waits for nothing; under concurrent writes the Redis commands and feed rounds per write fall with the
 * group's size instead of adding up. Each waiting writer gets the group's answer: where its newest event is in the
 * stream (at or after each writer's own, which is what its acknowledgement waits for), or its failure, which the
 * writer retries as it would its own.
 * <p>
 * Two writes of one item in the same group publish its newest snapshot (it holds the older one's pending events: a
 * pending event leaves an outbox only once it was published), and both snapshots when it does not. Bounded: a group
 * takes at most {@link #MAX_ITEMS} items (a write's own items always go together), the rest waits for the next, and
 * beyond {@link #MAX_QUEUED_ITEMS} waiting a publish fails at once; a
 * group that has no answer within its time (Redis hangs, or a connection that died without a word) fails, so the
 * writers behind it go on with their own, within their own wait: a hung group holds them for half of it. A writer on
 * an event loop continues on its own context, not on the one that completed its group.
 */
final class PublishGroups {

    static final int MAX_ITEMS = 1_000;
    /** Items waiting for a group at most: beyond, a publish fails at once (the writer retries, then answers 503). */
    static final int MAX_QUEUED_ITEMS = 10 * MAX_ITEMS;

    private record Waiting(List<StoredProduct> items, CompletableFuture<Appended> answer) {
    }

    private final Function<List<StoredProduct>, Uni<Appended>> publish;
    private final Duration timeout;
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private int queuedItems;
    private boolean running;

    /**
     * @param publish one publish of the given items, as {@link OutboxRelay} runs it
     * @param timeout how long a group's publish may take before it fails
     */
    PublishGroups(Function<List<StoredProduct>, Uni<Appended>> publish, Duration timeout) {
        this.publish = publish;
        this.timeout = timeout;
    }

    /** Publishes {@code items} in the next group; answers that group's outcome. */
    Uni<Appended> publish(List<StoredProduct> items) {
        return Uni.createFrom().deferred(() -> {
            Executor resume = Futures.callerContext();
            Waiting waiting = new Waiting(items, new CompletableFuture<>());
            boolean start;
            synchronized (this) {
                if (queuedItems + items.size() > MAX_QUEUED_ITEMS) {
                    return Uni.createFrom().failure(new IllegalStateException(
                            "too many publishes waiting (" + queuedItems + " items): Redis is slow or down"));
                }
                queue.add(waiting);
                queuedItems += items.size();
                start = !running;
                running = true;
            }
            if (start) {
                next();
            }
            // a writer that stops waiting leaves its group to the others: the group still publishes its items
            return Uni.createFrom().completionStage(waiting.answer()).emitOn(resume);
        });
    }

    private void next() {
        List<Waiting> group = take();
        if (group == null) {
            return;
        }
        Uni<Appended> sent;
        try {
            sent = publish.apply(merged(group));
        } catch (Throwable failure) { // never leave the groups stopped: every later writer would wait in vain
            sent = Uni.createFrom().failure(failure);
        }
        sent.ifNoItem().after(timeout).fail().subscribe().with(appended -> {
            group.forEach(w -> w.answer().complete(appended));
            next();
        }, failure -> {
            group.forEach(w -> w.answer().completeExceptionally(failure));
            next();
        });
    }

    /** The next group, or {@code null} (and no group running) when nobody waits. */
    private synchronized List<Waiting> take() {
        if (queue.isEmpty()) {
            running = false;
            return null;
        }
        List<Waiting> group = new ArrayList<>();
        int items = 0;
        while (!queue.isEmpty() && (group.isEmpty() || items + queue.peek().items().size() <= MAX_ITEMS)) {
            Waiting waiting = queue.poll();
            group.add(waiting);
            items += waiting.items().size();
        }
        queuedItems -= items;
        return group;
    }

    /** The group's items: per item its newest snapshot, and an older one too when it holds an event the newest lacks. */
    static List<StoredProduct> merged(List<Waiting> group) {
        if (group.size() == 1) {
            return group.get(0).items();
        }
        Map<String, List<StoredProduct>> byId = new LinkedHashMap<>();
        group.forEach(w -> w.items().forEach(item -> byId.computeIfAbsent(item.id(), id -> new ArrayList<>()).add(item)));
        List<StoredProduct> merged = new ArrayList<>();
        for (List<StoredProduct> snapshots : byId.values()) {
            StoredProduct newest = snapshots.get(0);
            for (StoredProduct snapshot : snapshots) {
                if (snapshot.product().sequence() > newest.product().sequence()) {
                    newest = snapshot;
                }
            }
            merged.add(newest);
            Set<Long> held = newest.pendingSequences();
            for (StoredProduct snapshot : snapshots) {
                Set<Long> pending = snapshot.pendingSequences();
                if (snapshot != newest && !held.containsAll(pending)) {
                    merged.add(snapshot);
                    held.addAll(pending);
                }
            }
        }
        return merged;
    }

}
