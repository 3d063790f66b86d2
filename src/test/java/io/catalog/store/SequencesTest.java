package io.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * {@link Sequences} on a counter held in memory (the counters table's ADD): blocks handed out with no call per
 * sequence, a new block whenever the next one is not above the bound, unique sequences across pods sharing one
 * counter, and a counter found behind a bound moved past it.
 */
class SequencesTest {

    /** The counters table's event sequence: ADD n, answering the first of the n. */
    private final AtomicLong counter = new AtomicLong();
    private final AtomicInteger calls = new AtomicInteger();

    private Sequences pod(int block) {
        return new Sequences(count -> {
            calls.incrementAndGet();
            return Uni.createFrom().item(counter.addAndGet(count) - count + 1);
        }, block, new SimpleMeterRegistry());
    }

    private static long await(Uni<Long> uni) {
        return uni.await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void aBlockServesManySequencesWithOneCounterCall() {
        Sequences pod = pod(100);
        List<Long> taken = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            taken.add(await(pod.above(0)));
        }
        assertThat(taken).doesNotHaveDuplicates().isSorted();
        assertThat(calls.get()).isEqualTo(3);
        assertThat(pod.blocksTaken()).isEqualTo(3);
    }

    @Test
    void aBoundAtOrPastTheBlocksNextSequenceTakesANewBlockAboveIt() {
        Sequences a = pod(100);
        Sequences b = pod(100);
        long fromA = await(a.above(0)); // a holds 1..100
        long fromB = await(b.above(0)); // b holds 101..200
        assertThat(fromB).isGreaterThan(fromA);

        // a heard b's change of the same product: its next write must come after it
        long after = await(a.above(fromB));
        assertThat(after).isGreaterThan(fromB);
        assertThat(calls.get()).isEqualTo(3);
        // and what a's old block had left is not used again
        assertThat(await(a.above(0))).isEqualTo(after + 1);

        assertThat(await(b.above(fromB))).as("b's own block is still above what it wrote").isEqualTo(fromB + 1);
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void aRunOfConsecutiveSequencesComesFromTheBlockOrFromTheCounterWhole() {
        Sequences pod = pod(10);
        long first = await(pod.above(0, 4));
        long next = await(pod.above(0, 4));
        assertThat(next).isEqualTo(first + 4);
        long big = await(pod.above(0, 25));
        assertThat(big).isGreaterThan(next + 3);
        assertThat(counter.get()).as("a run larger than a block reserves the run").isEqualTo(big + 24);
    }

    @Test
    void podsSharingTheCounterNeverHandOutTheSameSequence() throws Exception {
        List<Sequences> pods = List.of(pod(7), pod(7), pod(7));
        Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        AtomicLong bound = new AtomicLong();
        for (int t = 0; t < 6; t++) {
            Sequences pod = pods.get(t % 3);
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    // now and then above what another pod wrote: blocks are abandoned, never reused
                    long s = await(pod.above(i % 10 == 0 ? bound.get() : 0));
                    assertThat(seen.add(s)).as("sequence %d handed out twice", s).isTrue();
                    bound.accumulateAndGet(s, Math::max);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(seen).hasSize(12_000);
    }

    @Test
    void aCounterBehindTheBoundIsMovedPastIt() {
        Sequences pod = pod(10);
        long s = await(pod.above(5_000));
        assertThat(s).isGreaterThan(5_000);
        assertThat(counter.get()).isGreaterThanOrEqualTo(s);
        Set<Long> next = new HashSet<>();
        for (int i = 0; i < 9; i++) {
            next.add(await(pod.above(s)));
        }
        assertThat(next).allMatch(n -> n > s).hasSize(9);
    }
}
