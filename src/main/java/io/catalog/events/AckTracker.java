package io.catalog.events;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * What this pod knows of the other pods' feeds: for each pod heard lately, the newest stream entry id it has applied
 * (its acknowledged position) and when that was heard; and the writers waiting for an entry to be applied everywhere.
 * <p>
 * A writer {@linkplain #await waits} for an entry id; it is released when every <em>live</em> pod other than this one
 * has acknowledged that id or a later one. A pod is live while it was heard within the liveness period; one silent
 * for longer (killed, frozen, partitioned, its feed unhealthy: an unhealthy feed does not acknowledge) is forgotten
 * by {@link #forgetSilent}, which the listener calls only while it has read every acknowledgement there was (so a
 * listener that lags does not forget pods whose acknowledgements it has not read yet), and which then releases the
 * waiters that only that pod held back. A pod that stops cleanly says so ({@link #left}) and is forgotten at once.
 * <p>
 * Bounded: at most {@code maxPods} pods (the least recently heard is forgotten to make room, which only weakens the
 * wait for it) and {@code maxWaiters} waiters (beyond that a writer does not wait: {@link #await} answers
 * {@code null}). Waiters are completed outside the lock, so a continuation cannot run under it. Times are this pod's
 * monotonic {@link Ticker}: no clock of another pod is read.
 */
final class AckTracker {

    private record Heard(String position, long at) {
    }

    private final String self;
    private final long livenessNanos;
    private final int maxPods;
    private final int maxWaiters;
    private final Ticker ticker;
    /** Pods by when they were last heard, least recent first. */
    private final LinkedHashMap<String, Heard> pods = new LinkedHashMap<>(16, 0.75f, true);
    private final TreeMap<String, List<CompletableFuture<Void>>> waiters = new TreeMap<>(FeedPosition::compare);
    /** Waiters for an entry applied everywhere, this pod's own feed included (the edge purge). */
    private final TreeMap<String, List<CompletableFuture<Void>>> everywhere = new TreeMap<>(FeedPosition::compare);
    /** The newest position this pod's own feed acknowledged, or {@code null} before its first. */
    private String selfPosition;
    /**
     * How far the listener has read the acks stream (the id of the newest acknowledgement read, or Redis' time when
     * the history was read), or {@code null} before it read anything: an entry appended before the time of an
     * acknowledgement already read cannot have been missed by a pod that acknowledged before it.
     */
    private String listened;
    private int waiting;

    AckTracker(String self, long livenessNanos, int maxPods, int maxWaiters, Ticker ticker) {
        this.self = self;
        this.livenessNanos = livenessNanos;
        this.maxPods = maxPods;
        this.maxWaiters = maxWaiters;
        this.ticker = ticker;
    }

    /** Pod {@code pod} has applied every entry up to {@code position}; heard now. */
    void heard(String pod, String position) {
        if (self.equals(pod)) {
            update(() -> selfPosition = newer(selfPosition, position));
            return;
        }
        update(() -> {
            Heard before = pods.get(pod);
            pods.put(pod, new Heard(newer(before == null ? null : before.position(), position), ticker.read()));
            if (pods.size() > maxPods) {
                Iterator<String> leastRecent = pods.keySet().iterator();
                leastRecent.next();
                leastRecent.remove();
            }
        });
    }

    /**
     * The listener has read every acknowledgement up to {@code acksId} (an id of the acks stream, on the clock of the
     * events stream's master: both streams share a hash slot). Until it has read past an entry's time, a writer of
     * that entry is not released: a pod that joined (started, or came back after it was forgotten) just before the
     * entry may not be known yet.
     */
    void listened(String acksId) {
        update(() -> listened = newer(listened, acksId));
    }

    /** Pod {@code pod} stopped (it said so): forgotten now. */
    void left(String pod) {
        update(() -> pods.remove(pod));
    }

    /** Forgets the pods not heard within the liveness period; call only when every acknowledgement has been read. */
    void forgetSilent() {
        update(() -> {
            long now = ticker.read();
            pods.values().removeIf(h -> now - h.at() >= livenessNanos);
        });
    }

    /** Makes {@code change} under the lock, then completes, outside it, the waiters that the change released. */
    private void update(Runnable change) {
        List<CompletableFuture<Void>> released;
        synchronized (this) {
            change.run();
            released = releasable();
        }
        released.forEach(w -> w.complete(null));
    }

    /** The later of two positions ({@code known} may be {@code null}: nothing known yet). */
    private static String newer(String known, String position) {
        return known != null && FeedPosition.compare(known, position) > 0 ? known : position;
    }

    /**
     * A future completed once every live pod other than this one has acknowledged {@code entryId} (at once when
     * they have, or when there is none), or {@code null} when too many writers wait already. A writer that gives up
     * {@linkplain #abandon abandons} it.
     */
    CompletableFuture<Void> await(String entryId) {
        return await(entryId, false);
    }

    /**
     * As {@link #await(String)}; with {@code includingSelf}, this pod's own feed must have acknowledged
     * {@code entryId} too (a purge of the edge, whose refetch may reach any pod, this one included).
     */
    CompletableFuture<Void> await(String entryId, boolean includingSelf) {
        synchronized (this) {
            if (reachedByAll(entryId) && (!includingSelf || reachedBySelf(entryId))) {
                return CompletableFuture.completedFuture(null);
            }
            if (waiting >= maxWaiters) {
                return null;
            }
            CompletableFuture<Void> waiter = new CompletableFuture<>();
            (includingSelf ? everywhere : waiters).computeIfAbsent(entryId, id -> new ArrayList<>(1)).add(waiter);
            waiting++;
            return waiter;
        }
    }

    /** Removes a waiter that is no longer waited for (its writer timed out). */
    synchronized void abandon(String entryId, CompletableFuture<Void> waiter) {
        for (TreeMap<String, List<CompletableFuture<Void>>> map : List.of(waiters, everywhere)) {
            List<CompletableFuture<Void>> same = map.get(entryId);
            if (same != null && same.remove(waiter)) {
                waiting--;
                if (same.isEmpty()) {
                    map.remove(entryId);
                }
            }
        }
    }

    /** The pods known to be live now (heard within the liveness period, or not yet found silent). */
    synchronized int pods() {
        return pods.size();
    }

    /** The writers waiting now. */
    synchronized int waiting() {
        return waiting;
    }

    /** The position pod {@code pod} acknowledged last, or {@code null} when it is not known as live. */
    synchronized String position(String pod) {
        Heard heard = pods.get(pod);
        return heard == null ? null : heard.position();
    }

    private boolean reachedBySelf(String entryId) {
        return selfPosition != null && FeedPosition.compare(selfPosition, entryId) >= 0;
    }

    private boolean reachedByAll(String entryId) {
        String lowest = lowest();
        return listenedPast(entryId) && (lowest == null || FeedPosition.compare(lowest, entryId) >= 0);
    }

    /** Whether the listener has read an acknowledgement of the entry's millisecond or later (ids' time part). */
    private boolean listenedPast(String entryId) {
        return listened != null && FeedPosition.millis(listened) >= FeedPosition.millis(entryId);
    }

    /** The lowest position of the live pods, or {@code null} when none is known. */
    private String lowest() {
        String lowest = null;
        for (Heard heard : pods.values()) {
            if (lowest == null || FeedPosition.compare(heard.position(), lowest) < 0) {
                lowest = heard.position();
            }
        }
        return lowest;
    }

    /** Removes and returns the waiters every live pod (and, for those that need it, this one) has reached. */
    private List<CompletableFuture<Void>> releasable() {
        if (waiters.isEmpty() && everywhere.isEmpty()) {
            return List.of();
        }
        if (listened == null) {
            return List.of();
        }
        String lowest = lowest();
        // entries of the milliseconds the listener has read through, and no later
        String heard = (FeedPosition.millis(listened) + 1) + "-0";
        String bound = lowest == null || FeedPosition.compare(heard, lowest) <= 0 ? heard : lowest;
        List<CompletableFuture<Void>> released = new ArrayList<>();
        take(FeedPosition.compare(bound, heard) == 0 ? waiters.headMap(heard, false) : waiters.headMap(bound, true),
                released);
        if (selfPosition != null) {
            boolean selfFirst = FeedPosition.compare(selfPosition, bound) < 0;
            String everywhereBound = selfFirst ? selfPosition : bound;
            boolean inclusive = selfFirst || FeedPosition.compare(bound, heard) != 0;
            take(everywhere.headMap(everywhereBound, inclusive), released);
        }
        waiting -= released.size();
        return released;
    }

    private static void take(Map<String, List<CompletableFuture<Void>>> reached, List<CompletableFuture<Void>> into) {
        reached.values().forEach(into::addAll);
        reached.clear();
    }
}
