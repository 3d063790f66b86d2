package io.catalog.events;

import java.time.Duration;

import io.catalog.config.CatalogConfig;

/**
 * The lease that ties a pod's trust in its L1 to the writers' wait, in one place (docs/COHERENCE.md, "The lease").
 * <p>
 * A pod trusts its L1 for {@link #trustNanos() trust} ({@code catalog.events.feed-stale-after}) from the start of a
 * feed round that read the stream to its end and then acknowledged its position. A round that did not include an
 * entry read the stream before the entry was appended, so it started before the append: whatever trust it gave ends
 * within {@code trust} of the append. A writer therefore never has to wait longer than {@link #writeWaitNanos()}
 * after its event's append, whichever pods stall, die or lag: that is the bound on a write's wait, and the fallback
 * once {@code catalog.events.ack-timeout} has run out.
 * <p>
 * A pod silent for {@link #livenessNanos() liveness} ({@code trust} + {@code catalog.events.block-timeout}, judged
 * against a listener read that started after the silence) is forgotten by the others' writers. So that nothing it
 * trusts escapes them, a pod whose acknowledgement comes back later than {@link #rejoinGapNanos()} after it sent the
 * previous one (or that has sent none: a pod that starts) counts as one that may have been forgotten: that round
 * makes its position known again but gives it no trust; the next round, which reads the stream after the others can
 * know of it, does. Every comparison has {@link #marginNanos() a margin} for monotonic clocks that run at slightly
 * different rates on different machines (NTP slews them by at most 0.05 %).
 */
public record Lease(long trustNanos, long blockNanos) {

    /** The margin for clock rates: 1 % of the trust, and at least 5 ms. */
    public long marginNanos() {
        return Math.max(Duration.ofMillis(5).toNanos(), trustNanos / 100);
    }

    /** How long a pod may be silent before the other pods' writers stop waiting for it. */
    public long livenessNanos() {
        return trustNanos + blockNanos;
    }

    /** The longest a write waits after its event's append: every pod has applied it or stopped trusting L1. */
    public long writeWaitNanos() {
        return trustNanos + marginNanos();
    }

    /** Acknowledgements further apart than this (send to return) make a pod start over as if it had joined. */
    public long rejoinGapNanos() {
        return livenessNanos() - marginNanos();
    }

    public static Lease of(CatalogConfig config) {
        return new Lease(config.events().feedStaleAfter().toNanos(), config.events().blockTimeout().toNanos());
    }
}
