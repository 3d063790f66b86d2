package io.catalog.events;

/**
 * Whether a feed round's acknowledgement lets the pod trust its L1 ({@link Lease}): not the first one after a start
 * (the others' writers may not know the pod yet, and a write appended after this round's read but before its
 * acknowledgement would be released without waiting for it), nor one that comes back {@link Lease#rejoinGapNanos()}
 * or more after the previous one was sent (the others may have forgotten the pod meanwhile). Either makes the pod
 * known again; the next round, whose read starts after that, may trust. Called by the feed's one thread.
 */
final class TrustGrants {

    private final long rejoinGapNanos;
    private long lastSent;
    private boolean sentBefore;

    TrustGrants(Lease lease) {
        this.rejoinGapNanos = lease.rejoinGapNanos();
    }

    /**
     * An acknowledgement was sent at {@code sent} and Redis confirmed it at {@code returned} (this pod's ticker).
     *
     * @return whether the round may let the pod trust its L1
     */
    boolean acknowledged(long sent, long returned) {
        boolean grants = sentBefore && returned - lastSent < rejoinGapNanos;
        lastSent = sent;
        sentBefore = true;
        return grants;
    }
}
