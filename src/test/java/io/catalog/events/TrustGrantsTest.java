package io.catalog.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * Path 2 of the never-stale issue: a pod that joins, or comes back after the others may have forgotten it, must not
 * trust its L1 in the round of its first acknowledgement (a writer that does not know it yet releases a write that the
 * round's read did not include); only from the next round on.
 */
class TrustGrantsTest {

    static final Lease LEASE = new Lease(Duration.ofSeconds(2).toNanos(), Duration.ofMillis(500).toNanos());
    static final long MS = 1_000_000;

    @Test
    void aPodTrustsFromTheRoundAfterItsFirstAcknowledgement() {
        TrustGrants grants = new TrustGrants(LEASE);
        assertThat(grants.acknowledged(0, 2 * MS)).as("its first acknowledgement makes it known, no more").isFalse();
        assertThat(grants.acknowledged(500 * MS, 502 * MS)).isTrue();
        assertThat(grants.acknowledged(1_000 * MS, 1_001 * MS)).isTrue();
    }

    @Test
    void anAcknowledgementThatComesBackAfterALongSilenceIsAJoin() {
        TrustGrants grants = new TrustGrants(LEASE);
        grants.acknowledged(0, MS);
        grants.acknowledged(500 * MS, 501 * MS);
        long rejoin = LEASE.rejoinGapNanos();
        // sent 500 ms after the previous one, but it took the rest of the liveness period to come back (a freeze)
        assertThat(grants.acknowledged(1_000 * MS, 500 * MS + rejoin)).as("forgotten meanwhile, maybe").isFalse();
        assertThat(grants.acknowledged(501 * MS + rejoin, 502 * MS + rejoin)).as("the round after").isTrue();
        assertThat(grants.acknowledged(503 * MS + 2 * rejoin, 504 * MS + 2 * rejoin))
                .as("a silence between two rounds").isFalse();
    }

    @Test
    void theGapLeavesAMarginBelowTheLivenessAfterWhichWritersForgetAPod() {
        assertThat(LEASE.rejoinGapNanos()).isLessThan(LEASE.livenessNanos());
        assertThat(LEASE.writeWaitNanos()).isGreaterThan(LEASE.trustNanos()).isLessThan(LEASE.livenessNanos());
    }
}
