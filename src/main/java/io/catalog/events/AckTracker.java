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
 * A writer {@linkplain #await waits} for an entry id; it is released when
 * <ol>
 * <li>the listener has read the acks stream through the acknowledgement that was newest when the entry was appended
 * ({@code acksAtAppend}, which the append script reads in the same atomic step): every pod that made itself known
 * before the entry is then known here, and a pod that makes itself known after it reads the stream after the entry
 * before it trusts its L1 ({@link FeedConsumer}); and</li>
 * <li>every <em>live</em> pod other than this one has acknowledged that id or a later one (this one too for an edge
 * purge, {@code includingSelf}).</li>
 * </ol>
 * A pod is live until it has been silent for the liveness period; {@link #forgetSilent} judges that against the start
 * of a listener read that returned every acknowledgement there was, so an acknowledgement the listener has not read
 * yet never counts as silence. It then releases the waiters that only that pod held back. A pod that stops cleanly
 * says so ({@link #left}) and is forgotten at once. A writer that is not released here waits out the lease instead
 * ({@link PodAcks}).
 * <p>
 * Bounded: at most {@code maxPods} pods (the least recently heard is forgotten to make room; while that happened less
 * than a liveness period ago, nothing is released here, since the forgotten pod may still trust its L1: writers wait
 * out the lease) and {@code maxWaiters} waiters (beyond that {@link #await} answers {@code null} and the writer waits
 * out the lease). Waiters are completed outside the lock, so a continuation cannot run under it. Times are this pod's
 * monotonic {@link Ticker}: no clock of another pod is read.
 */
final class AckTracker {

    private record Heard(String position, long at) {
    }

    /** A waiting writer: released once the listener has read through {@code acksAtAppend} and the pods reached it. */
    private record Waiter(String acksAtAppend, boolean includingSelf, CompletableFuture<Void> future) {
    }

    private final String self;
    private final long livenessNanos;
    private final int maxPods;
    private final int maxWaiters;
    private final Ticker ticker;
    /** Pods by when they were last heard, least recent first. */
    private final LinkedHashMap<String, Heard> pods = new LinkedHashMap<>(16, 0.75f, true);
    private final TreeMap<String, List<Waiter>> waiters = new TreeMap<>(FeedPosition::compare);
    /** The newest position this pod's own feed acknowledged, or {@code null} before its first. */
    private String selfPosition;
    /** The id of the newest acknowledgement the listener has read, or {@code null} before it read anything. */
    private String listened;
    /** When a pod was last forgotten to make room, or {@code null} if never. */
    private Long overflowedAt;
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
                overflowedAt = ticker.read();
            }
        });
    }

    /**
     * The listener has read every acknowledgement up to {@code acksId}, an id of the acks stream (or a time of the
     * acks stream's clock, {@code <millis>-0}, before which everything was read).
     */
    void listened(String acksId) {
        update(() -> listened = newer(listened, acksId));
    }

    /** Pod {@code pod} stopped (it said so): forgotten now. */
    void left(String pod) {
        update(() -> pods.remove(pod));
    }

    /**
     * Forgets the pods not heard within the liveness period before {@code readStarted}: the start (this pod's ticker)
     * of a listener read that returned every acknowledgement there was.
     */
    void forgetSilent(long readStarted) {
        update(() -> pods.values().removeIf(h -> readStarted - h.at() >= livenessNanos));
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
     * A future completed once every live pod other than this one (and this one too, {@code includingSelf}) has
     * acknowledged {@code entryId} and the listener has read through {@code acksAtAppend}; {@code null} when too many
     * writers wait already. A writer that gives up {@linkplain #abandon abandons} it.
     *
     * @param acksAtAppend the newest id of the acks stream when the entry was appended, or {@code null} when not
     *        known (an entry appended by an older version): then the listener must have read an acknowledgement of a
     *        later millisecond than the entry's
     */
    CompletableFuture<Void> await(String entryId, String acksAtAppend, boolean includingSelf) {
        synchronized (this) {
            Waiter probe = new Waiter(acksAtAppend, includingSelf, null);
            if (releases(entryId, probe, lowest())) {
                return CompletableFuture.completedFuture(null);
            }
            if (waiting >= maxWaiters) {
                return null;
            }
            Waiter waiter = new Waiter(acksAtAppend, includingSelf, new CompletableFuture<>());
            waiters.computeIfAbsent(entryId, id -> new ArrayList<>(1)).add(waiter);
            waiting++;
            return waiter.future();
        }
    }

    /** Removes a waiter that is no longer waited for (its writer was released by the lease, or cancelled). */
    synchronized void abandon(String entryId, CompletableFuture<Void> future) {
        List<Waiter> same = waiters.get(entryId);
        if (same != null && same.removeIf(w -> w.future() == future)) {
            waiting--;
            if (same.isEmpty()) {
                waiters.remove(entryId);
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

    private boolean releases(String entryId, Waiter waiter, String lowest) {
        if (overflowedAt != null && ticker.read() - overflowedAt < livenessNanos) {
            return false;
        }
        if (!listenedThrough(entryId, waiter.acksAtAppend())) {
            return false;
        }
        if (lowest != null && FeedPosition.compare(lowest, entryId) < 0) {
            return false;
        }
        return !waiter.includingSelf() || selfPosition != null && FeedPosition.compare(selfPosition, entryId) >= 0;
    }

    private boolean listenedThrough(String entryId, String acksAtAppend) {
        if (listened == null) {
            return false;
        }
        if (acksAtAppend != null) {
            return FeedPosition.compare(listened, acksAtAppend) >= 0;
        }
        return FeedPosition.millis(listened) > FeedPosition.millis(entryId);
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

    /** Removes and returns the waiters released now. */
    private List<CompletableFuture<Void>> releasable() {
        if (waiters.isEmpty() || listened == null) {
            return List.of();
        }
        String lowest = lowest();
        Map<String, List<Waiter>> candidates = lowest == null ? waiters : waiters.headMap(lowest, true);
        List<CompletableFuture<Void>> released = new ArrayList<>();
        for (Iterator<Map.Entry<String, List<Waiter>>> entries = candidates.entrySet().iterator(); entries.hasNext();) {
            Map.Entry<String, List<Waiter>> entry = entries.next();
            for (Iterator<Waiter> it = entry.getValue().iterator(); it.hasNext();) {
                Waiter waiter = it.next();
                if (releases(entry.getKey(), waiter, lowest)) {
                    released.add(waiter.future());
                    it.remove();
                }
            }
            if (entry.getValue().isEmpty()) {
                entries.remove();
            }
        }
        waiting -= released.size();
        return released;
    }
}
