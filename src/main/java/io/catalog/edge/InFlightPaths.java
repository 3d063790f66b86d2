package io.catalog.edge;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The paths of this pod's CloudFront invalidations in progress, kept under a limit (CloudFront accepts at most 3,000
 * exact paths in progress per distribution). Room is {@link #reserve reserved} before a call, handed back when the
 * call fails or sends less, and held by the invalidation the call created until CloudFront reports it
 * {@link #completed}; an invalidation not reported completed after {@link #ASSUME_COMPLETED_AFTER} is taken as
 * completed. At most {@code limit} invalidations are held, since each holds at least one path.
 */
final class InFlightPaths {

    static final Duration ASSUME_COMPLETED_AFTER = Duration.ofMinutes(15);

    private final int limit;
    private final AtomicInteger count = new AtomicInteger();
    private final Map<String, Invalidation> invalidations = new ConcurrentHashMap<>();

    private record Invalidation(int paths, Instant since) {
    }

    InFlightPaths(int limit) {
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    /** Paths reserved or in progress. */
    int count() {
        return count.get();
    }

    /** Whether any invalidation waits to be reported completed. */
    boolean tracking() {
        return !invalidations.isEmpty();
    }

    /** Reserves room for up to {@code wanted} paths and tells how many it got: 0 at the limit. */
    int reserve(int wanted) {
        while (true) {
            int current = count.get();
            int take = Math.max(0, Math.min(wanted, limit - current));
            if (take == 0 || count.compareAndSet(current, current + take)) {
                return take;
            }
        }
    }

    /** Hands back reserved room that no invalidation used. */
    void release(int paths) {
        count.addAndGet(-paths);
    }

    /** The invalidation {@code id} was created with {@code paths} of the reserved room. */
    void started(String id, int paths, Instant at) {
        invalidations.put(id, new Invalidation(paths, at));
    }

    /** CloudFront reported the invalidation completed: its paths are free again. */
    void completed(String id) {
        Invalidation done = invalidations.remove(id);
        if (done != null) {
            count.addAndGet(-done.paths());
        }
    }

    /** The invalidations to ask CloudFront about now; those older than {@link #ASSUME_COMPLETED_AFTER} are freed. */
    List<String> toCheck(Instant now) {
        List<String> ids = new ArrayList<>();
        invalidations.forEach((id, invalidation) -> {
            if (invalidation.since().plus(ASSUME_COMPLETED_AFTER).isBefore(now)) {
                completed(id);
            } else {
                ids.add(id);
            }
        });
        return ids;
    }
}
