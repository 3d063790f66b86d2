package io.catalog.events;

import java.time.Duration;

/**
 * When the outbox relay sweeps, on each tick of its timer: on every tick while something may be pending here (the
 * pod just started, a publish failed, the last sweep found events or failed), otherwise once per idle interval, so
 * that events a crashed pod left behind are still published by the others without every pod querying the outbox
 * index every second for nothing. Never while a sweep still runs. A publish that fails during a sweep keeps the
 * pace urgent even if that sweep found nothing (it may have looked before the failed write was indexed).
 */
final class SweepPace {

    private final long idleNanos;
    private boolean urgent = true;
    private boolean raisedDuringSweep;
    private boolean sweeping;
    private long lastStart;

    SweepPace(Duration idle) {
        this.idleNanos = idle.toNanos();
    }

    /** Whether a sweep starts now; if so, the caller must report its end. */
    synchronized boolean start(long nowNanos) {
        if (sweeping || !urgent && nowNanos - lastStart < idleNanos) {
            return false;
        }
        sweeping = true;
        raisedDuringSweep = false;
        lastStart = nowNanos;
        return true;
    }

    /** The sweep ended and found {@code pending} events (and published them). */
    synchronized void finished(int pending) {
        sweeping = false;
        urgent = pending > 0 || raisedDuringSweep;
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
