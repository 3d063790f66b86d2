package io.catalog.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

class PodIdentityTest {

    @Test
    void aPodStartedAgainOnTheSameHostIsANewPodAndItsPublicLabelTellsNothingOfTheHost() {
        PodIdentity first = new PodIdentity("catalog-7d9f-abcde", new SecureRandom());
        PodIdentity again = new PodIdentity("catalog-7d9f-abcde", new SecureRandom());
        assertThat(first.id()).startsWith("catalog-7d9f-abcde-").isNotEqualTo(again.id());
        assertThat(first.publicLabel()).matches("instance-[0-9a-f]{8}").doesNotContain("catalog-7d9f");
        assertThat(first.publicLabel()).isNotEqualTo(again.publicLabel());
    }
}
