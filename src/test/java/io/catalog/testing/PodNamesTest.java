package io.catalog.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Pods started by a long fault run keep readable names (and log files) past the 26th. */
class PodNamesTest {

    @Test
    void podsAreNamedByLettersPastTheTwentySixth() {
        assertThat(PodCluster.name(0)).isEqualTo("pod-a");
        assertThat(PodCluster.name(25)).isEqualTo("pod-z");
        assertThat(PodCluster.name(26)).isEqualTo("pod-aa");
        assertThat(PodCluster.name(27)).isEqualTo("pod-ab");
        assertThat(PodCluster.name(52)).isEqualTo("pod-ba");
    }
}
