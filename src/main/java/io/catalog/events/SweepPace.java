package io.catalog.events;

import java.time.Duration;

/**
 * When the outbox relay sweeps, on each tick of its timer:
 * <ul>
 * <li>on every tick while something may be pending here that no writer is publishing: the pod just started, a publish
 * failed, the last sweep failed or published events (more may be left beyond its batch);</li>
 * <li>once the grace has passed, when the last sweep only found events too recent to take from their writers
 * ({@link OutboxRelay#SWEEP_GRACE}): those become the sweep's if their writer stops, and not before. A catalog written
 * to all the time always has such events, and a sweep per tick on every pod would query the outbox index (and read
 * its items) for nothing;</li>
 * <li>otherwise once per idle interval, so that events a crashed pod left behind are still published by the others
 * without every pod querying the outbox index every second for nothing.</li>
 * </ul>
 * Never while a sweep still runs. A publish that fails during a sweep keeps the pace urgent even if that sweep found
 * nothing (it may have looked before the failed write was indexed).
 */
final class SweepPace {

    private final long idleNanos;
    private final long graceNanos;
    private boolean urgent = true;
    private boolean leftToWriters;
    private boolean raisedDuringSweep;
    private boolean sweeping;
    private long lastStart;

    SweepPace(Duration idle, Duration grace) {
        this.idleNanos = idle.toNanos();
        this.graceNanos = grace.toNanos();
    }

    /** Whether a sweep starts now; if so, the caller must report its end. */
    synchronized boolean start(long nowNanos) {
        long since = nowNanos - lastStart;
        boolean due = urgent || since >= idleNanos || leftToWriters && since >= graceNanos;
        if (sweeping || !due) {
            return false;
        }
        sweeping = true;
        raisedDuringSweep = false;
        lastStart = nowNanos;
        return true;
    }

    /**
     * The sweep ended: it published {@code published} events, and left {@code leftToWriters} events to the writers
     * still publishing them.
     */
    synchronized void finished(int published, int leftToWriters) {
        sweeping = false;
        urgent = published > 0 || raisedDuringSweep;
        this.leftToWriters = leftToWriters > 0;
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
