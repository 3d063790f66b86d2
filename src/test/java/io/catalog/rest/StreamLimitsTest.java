package io.catalog.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bounds of live streams: per client address, per pod, and no counter left behind. */
class StreamLimitsTest {

    @Test
    void aClientGetsAtMostItsShareAndGetsItBackWhenAStreamCloses() {
        StreamLimits limits = new StreamLimits(2, 100);
        assertThat(limits.acquire("10.0.0.1")).isTrue();
        assertThat(limits.acquire("10.0.0.1")).isTrue();
        assertThat(limits.acquire("10.0.0.1")).as("third stream of one client").isFalse();
        assertThat(limits.acquire("10.0.0.2")).as("another client").isTrue();

        limits.release("10.0.0.1");
        assertThat(limits.acquire("10.0.0.1")).isTrue();
        assertThat(limits.open("10.0.0.1")).isEqualTo(2);
    }

    @Test
    void thePodHasABoundForEveryone() {
        StreamLimits limits = new StreamLimits(10, 3);
        assertThat(limits.acquire("a")).isTrue();
        assertThat(limits.acquire("b")).isTrue();
        assertThat(limits.acquire("c")).isTrue();
        assertThat(limits.acquire("d")).as("over the pod's bound").isFalse();
        assertThat(limits.clients()).isEqualTo(3);
        limits.release("a");
        assertThat(limits.acquire("d")).isTrue();
    }

    @Test
    void aClientWithoutStreamsLeavesNoCounter() {
        StreamLimits limits = new StreamLimits(2, 100);
        limits.acquire("a");
        limits.acquire("a");
        limits.acquire("a");
        limits.release("a");
        limits.release("a");
        assertThat(limits.clients()).isZero();
        assertThat(limits.open("a")).isZero();
    }
}
