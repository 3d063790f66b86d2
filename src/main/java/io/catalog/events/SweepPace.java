package io.catalog.events;

import java.time.Duration;

/**
 * When the outbox relay sweeps, on each tick of its timer:
 * <ul>
 * <li>on every tick while something may be pending here that no writer is publishing: the pod just started, a publish
 * failed, the last sweep failed, published events or found as many items as it looks at in one go (more may be
 * left beyond its batch);</li>
 * <li>when the events the last sweep left to their writers, because they were too recent
 * ({@link OutboxRelay#SWEEP_GRACE}), become the sweep's: the first tick after the earliest of them is due. A catalog
 * written to all the time always has such events, and a sweep per tick on every pod would query the outbox index (and
 * read its items) for them, for nothing, while their writers publish them;</li>
 * <li>otherwise once per idle interval, so that events a crashed pod left behind are still published by the others
 * without every pod querying the outbox index every second for nothing.</li>
 * </ul>
 * Never while a sweep still runs. A publish that fails during a sweep keeps the pace urgent even if that sweep found
 * nothing (it may have looked before the failed write was indexed). Times are a ticker's nanoseconds.
 */
final class SweepPace {

    private final long idleNanos;
    private boolean urgent = true;
    private boolean raisedDuringSweep;
    private boolean sweeping;
    private long lastStart;
    /** Whether the last sweep left events to their writers, and when they become the sweep's. */
    private boolean leftWaiting;
    private long leftDue;

    SweepPace(Duration idle) {
        this.idleNanos = idle.toNanos();
    }

    /** Whether a sweep starts now; if so, the caller must report its end. */
    synchronized boolean start(long nowNanos) {
        boolean due = urgent || nowNanos - lastStart >= idleNanos || leftWaiting && nowNanos - leftDue >= 0;
        if (sweeping || !due) {
            return false;
        }
        sweeping = true;
        raisedDuringSweep = false;
        lastStart = nowNanos;
        return true;
    }

    /**
     * The sweep ended at {@code nowNanos}.
     *
     * @param more it published events, or may not have seen every pending item: sweep again on the next tick
     * @param leftDueInNanos how long until the earliest event it left to its writer becomes the sweep's (at most
     *        twice the grace), or a negative number when it left none
     */
    synchronized void finished(boolean more, long leftDueInNanos, long nowNanos) {
        sweeping = false;
        urgent = more || raisedDuringSweep;
        leftWaiting = leftDueInNanos >= 0;
        leftDue = nowNanos + Math.max(0, leftDueInNanos);
    }

    /** The sweep failed: look again on the next tick. */
    synchronized void failed() {
        sweeping = false;
        urgent = true;
    }

    /** Something may be pending here (a publish failed): look on the next tick. */
    synchronized void raise() {
        urgent = true;
        raisedDuringSweep = true;
    }
}
